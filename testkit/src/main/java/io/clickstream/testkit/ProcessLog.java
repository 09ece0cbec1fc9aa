package io.clickstream.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A child process's log file from the offset where this launch began: earlier launches that appended to
 * the same file (a restart) stay in it for post-mortems but are never read here, so an old "ready" line
 * cannot satisfy a new wait.
 */
final class ProcessLog {
    private final Path file;
    private final long start;

    ProcessLog(Path file, long start) {
        this.file = file;
        this.start = start;
    }

    /** Everything written since the start (stdout and stderr interleaved). */
    String text() {
        return new String(readBytes(start), StandardCharsets.UTF_8);
    }

    /** The last {@code lines} lines of {@link #text()}. */
    String tail(int lines) {
        String[] all = text().split("\n", -1);
        int from = Math.max(0, all.length - lines - 1);
        return String.join("\n", Arrays.asList(all).subList(from, all.length));
    }

    LineScanner scanner() {
        return new LineScanner(start);
    }

    private byte[] readBytes(long from) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            if (len <= from) {
                return new byte[0];
            }
            byte[] buf = new byte[(int) Math.min(Integer.MAX_VALUE - 8, len - from)];
            f.seek(from);
            f.readFully(buf);
            return buf;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Reads the log incrementally and hands out complete lines only, so a poll loop does not
     * re-read a growing log from the start and never matches half a line. Splitting on the
     * newline byte keeps multi-byte UTF-8 characters whole.
     */
    final class LineScanner {
        private long position;

        private LineScanner(long position) {
            this.position = position;
        }

        List<String> newLines() {
            byte[] bytes = readBytes(position);
            int lastNewline = -1;
            for (int i = bytes.length - 1; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    lastNewline = i;
                    break;
                }
            }
            if (lastNewline < 0) {
                return List.of();
            }
            position += lastNewline + 1;
            return Arrays.asList(new String(bytes, 0, lastNewline, StandardCharsets.UTF_8).split("\n"));
        }
    }
}
