package io.clickstream.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/** The broker's files: server.properties, written on every start, and the KRaft storage, formatted once. */
final class BrokerStorage {

    private BrokerStorage() {
    }

    static void writeProperties(Properties props, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "written by " + EmbeddedKafkaMain.class.getName() + "; edits are overwritten");
        }
    }

    /**
     * Formats the storage on the first start only. On a restart the directory already carries
     * meta.properties (cluster id, node id) and formatting again would be refused anyway.
     */
    static void formatStorageIfNeeded(Properties props, Path propsFile) throws IOException {
        Path metaLogDir = Path.of(props.getProperty("metadata.log.dir",
                props.getProperty("log.dirs").split(",")[0].trim()));
        Path meta = metaLogDir.resolve("meta.properties");
        if (Files.exists(meta)) {
            System.out.println("embedded-kafka: storage already formatted (cluster.id="
                    + readClusterId(meta) + "), reusing " + metaLogDir);
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        // execute(), not main(): StorageTool.main calls Exit.exit and would end this JVM.
        // --ignore-formatted only matters if a second log dir was already formatted.
        int rc = StorageTool.execute(new String[] {
                "format", "-t", clusterId, "-c", propsFile.toString(), "--standalone", "--ignore-formatted"
        }, System.out);
        if (rc != 0) {
            throw new IllegalStateException("formatting the storage failed (exit code " + rc + ")");
        }
        System.out.println("embedded-kafka: formatted storage, cluster.id=" + clusterId);
    }

    private static String readClusterId(Path meta) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            p.load(in);
        }
        return p.getProperty("cluster.id", "?");
    }
}
