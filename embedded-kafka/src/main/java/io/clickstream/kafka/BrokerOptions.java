package io.clickstream.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The broker launcher's command line. Unknown or malformed arguments are rejected by name. */
final class BrokerOptions {
    static final String USAGE = String.join(System.lineSeparator(),
            "usage: EmbeddedKafkaMain --data-dir DIR [--host HOST] [--port PORT]",
            "                         [--controller-port PORT] [--prop key=value ...]",
            "  --data-dir DIR          required; holds server.properties and the logs (kept across restarts)",
            "  --host HOST             listener and advertised host (default 127.0.0.1)",
            "  --port PORT             client (PLAINTEXT) port (default 9092)",
            "  --controller-port PORT  KRaft controller port (default 9093)",
            "  --prop key=value        any broker property, overriding the defaults; repeatable",
            "  --parent-pid PID        shut down gracefully when process PID exits (used by the testkit)");

    Path dataDir;
    String host = "127.0.0.1";
    int port = 9092;
    int controllerPort = 9093;
    long parentPid;
    final Map<String, String> extraProps = new LinkedHashMap<>();

    /** Returns null for --help. */
    static BrokerOptions parse(String[] args) {
        BrokerOptions o = new BrokerOptions();
        List<String> a = new ArrayList<>(List.of(args));
        for (int i = 0; i < a.size(); i++) {
            String arg = a.get(i);
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--data-dir" -> o.dataDir = Path.of(value(a, i++, arg));
                case "--host" -> o.host = value(a, i++, arg);
                case "--port" -> o.port = port(value(a, i++, arg), arg);
                case "--controller-port" -> o.controllerPort = port(value(a, i++, arg), arg);
                case "--parent-pid" -> o.parentPid = positiveLong(value(a, i++, arg), arg);
                case "--prop" -> {
                    String kv = value(a, i++, arg);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--prop expects key=value, got '" + kv + "'");
                    }
                    o.extraProps.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        if (o.dataDir == null) {
            throw new IllegalArgumentException("--data-dir is required");
        }
        if (o.host.isBlank()) {
            throw new IllegalArgumentException("--host must not be empty");
        }
        if (o.parentPid > 0 && !ProcessHandle.of(o.parentPid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IllegalArgumentException("--parent-pid " + o.parentPid + " is not a running process");
        }
        if (o.port == o.controllerPort) {
            throw new IllegalArgumentException("--port and --controller-port must differ (both " + o.port + ")");
        }
        return o;
    }

    private static String value(List<String> args, int i, String name) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args.get(i + 1);
    }

    private static long positiveLong(String s, String name) {
        try {
            long v = Long.parseLong(s);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive number, got '" + s + "'");
    }

    private static int port(String s, String name) {
        int p;
        try {
            p = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + s + "'");
        }
        // 0 (ephemeral) cannot work: the controller port is written into the quorum config and
        // clients must know the broker port before it starts.
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(name + " must be in 1..65535, got " + p);
        }
        return p;
    }
}
