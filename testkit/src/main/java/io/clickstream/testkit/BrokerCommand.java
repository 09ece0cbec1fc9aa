package io.clickstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The broker JVM's command line: its free ports, and its arguments with the SASL listener's properties. */
final class BrokerCommand {
    private BrokerCommand() {
    }

    /**
     * Three distinct free ports (broker, controller, SASL). Both sockets stay open until both are chosen, so they differ; the
     * short window until the broker binds them is covered by a retry in {@link Builder#start()}.
     */
    static int[] freePorts(String host) {
        try (ServerSocket a = new ServerSocket(0, 1, java.net.InetAddress.getByName(host));
             ServerSocket b = new ServerSocket(0, 1, java.net.InetAddress.getByName(host));
             ServerSocket c = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return new int[] {a.getLocalPort(), b.getLocalPort(), c.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports on " + host, e);
        }
    }

    /** EmbeddedKafkaMain's arguments; the broker shuts down when this (test) JVM exits. */
    static List<String> args(Path dataDir, String host, int port, int controllerPort, int saslPort,
                             Map<String, String> saslUsers, Map<String, String> brokerProperties) {
        List<String> args = new ArrayList<>(List.of(
                "--data-dir", dataDir.toString(),
                "--host", host,
                "--port", Integer.toString(port),
                "--controller-port", Integer.toString(controllerPort),
                "--parent-pid", Long.toString(ProcessHandle.current().pid())));
        Map<String, String> props = new LinkedHashMap<>(saslProperties(host, port, controllerPort, saslPort, saslUsers));
        props.putAll(brokerProperties);
        props.forEach((k, v) -> args.addAll(List.of("--prop", k + "=" + v)));
        return args;
    }

    /**
     * A second client listener with SASL_PLAINTEXT and PLAIN, whose users and passwords live in the
     * listener's JAAS config; the broker itself keeps talking PLAINTEXT on the first one.
     */
    private static Map<String, String> saslProperties(String host, int port, int controllerPort, int saslPort,
                                              Map<String, String> users) {
        if (saslPort < 0) {
            return Map.of();
        }
        String broker = "PLAINTEXT://" + host + ":" + port + ",SASL_PLAINTEXT://" + host + ":" + saslPort;
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach((user, password) ->
                jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        return Map.of(
                "listeners", broker + ",CONTROLLER://" + host + ":" + controllerPort,
                "advertised.listeners", broker,
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
    }
}
