package io.clickstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Inspects a topic's segment files on the broker's disk, to prove what a producer really sent:
 * the broker keeps the producer's compression (compression.type=producer, the default), so the
 * codec of each stored record batch is the codec the producer used. No client API exposes that.
 *
 * <p>Parses the record batch v2 header (the only format Kafka 3+/4 writes):
 * <pre>
 * baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc int32 |
 * attributes int16 | ...
 * </pre>
 * where batchLength counts the bytes after the length field, and {@code attributes & 0x7} is the
 * codec.
 */
public final class LogSegments {

    public static final int NONE = 0;
    public static final int GZIP = 1;
    public static final int SNAPPY = 2;
    public static final int LZ4 = 3;
    public static final int ZSTD = 4;

    private static final int LOG_OVERHEAD = 12;          // baseOffset + batchLength
    private static final int HEADER_UP_TO_ATTRIBUTES = 23; // ... + epoch + magic + crc + attributes
    private static final int MAGIC_OFFSET = 16;
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int CODEC_MASK = 0x07;
    private static final int CONTROL_FLAG = 0x20;

    private LogSegments() {
    }

    /**
     * Counts the record batches of {@code topic} per compression codec ({@link #LZ4} = 3, ...),
     * over all its partitions and segments.
     *
     * <p>Control batches (transaction markers) are skipped: the broker writes them uncompressed
     * whatever the producer does, so they would hide the producer's codec.
     *
     * @param brokerDir the broker's log dir ({@link EmbeddedKafka#logDir()}) or its data dir
     *                  ({@link EmbeddedKafka#dataDir()}), which holds the log dir
     * @return codec -> number of batches; empty if the topic has no data on disk
     */
    public static Map<Integer, Integer> compressionCodecCounts(Path brokerDir, String topic) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (Path segment : segmentFiles(brokerDir, topic)) {
            countBatches(segment, counts);
        }
        return counts;
    }

    /** The {@code *.log} segment files of every partition of {@code topic}, sorted by path. */
    public static List<Path> segmentFiles(Path brokerDir, String topic) {
        Path logDir = Files.isDirectory(brokerDir.resolve("kafka-logs")) ? brokerDir.resolve("kafka-logs") : brokerDir;
        // Exactly "<topic>-<partition>": not another topic whose name starts the same way, and not
        // a directory renamed for deletion ("<topic>-0.<id>-delete").
        Pattern partitionDir = Pattern.compile(Pattern.quote(topic) + "-\\d+");
        try (Stream<Path> dirs = Files.list(logDir)) {
            return dirs.filter(d -> Files.isDirectory(d) && partitionDir.matcher(d.getFileName().toString()).matches())
                    .flatMap(LogSegments::logFiles)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the broker log dir " + logDir, e);
        }
    }

    private static Stream<Path> logFiles(Path partitionDir) {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + partitionDir, e);
        }
    }

    private static void countBatches(Path segment, Map<Integer, Integer> counts) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_UP_TO_ATTRIBUTES); // big-endian, as Kafka writes
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            while (pos + HEADER_UP_TO_ATTRIBUTES <= size) {
                header.clear();
                readFully(ch, header, pos);
                int batchLength = header.getInt(8);
                // A batch being appended right now may be cut off at the end: stop there.
                if (batchLength <= 0 || pos + LOG_OVERHEAD + batchLength > size) {
                    break;
                }
                byte magic = header.get(MAGIC_OFFSET);
                if (magic != 2) {
                    throw new IllegalStateException("unexpected record batch magic " + magic + " at position "
                            + pos + " of " + segment + " (only v2 batches are supported)");
                }
                short attributes = header.getShort(ATTRIBUTES_OFFSET);
                if ((attributes & CONTROL_FLAG) == 0) {
                    counts.merge(attributes & CODEC_MASK, 1, Integer::sum);
                }
                pos += LOG_OVERHEAD + batchLength;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read segment " + segment, e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
