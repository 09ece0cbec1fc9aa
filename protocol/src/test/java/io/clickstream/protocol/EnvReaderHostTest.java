package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hosts and host:port lists are checked at start, naming the variable and the value. */
class EnvReaderHostTest {
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost", "kafka-1.example.com", "0.0.0.0", "::1", "[::1]", "fe80::1",
      "worker", "clickstream_worker_1"})
  void hostsAreAccepted(String host) {
    assertThat(EnvReader.isHost(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "-bad", "bad-", "x:1", "127.0.0.1:5701", "http://x", "a..b"})
  void nonHostsAreRefused(String host) {
    assertThat(EnvReader.isHost(host)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.0.0.1:5701", "worker:5701", "[::1]:5701", "::1", "h:65535", "h:1"})
  void membersWithOptionalPortsAreAccepted(String member) {
    assertThat(EnvReader.isHostAndOptionalPort(member)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:99999", "h:0", "h:", ":5701", "h:x", "a b:1", "h:123456"})
  void membersWithBadPortsAreRefused(String member) {
    assertThat(EnvReader.isHostAndOptionalPort(member)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"CLUSTER_HOST", "CLUSTER_PUBLIC_HOST"})
  void clusterHostsNameTheVariable(String name) {
    assertThatThrownBy(() -> {
      EnvReader env = new EnvReader(Map.of(name, "not a host"));
      ClusterConfig.fromEnv(env);
      env.throwIfInvalid();
    }).isInstanceOf(ConfigException.class)
        .hasMessageContaining(name + " must be a host name or an IP address, got \"not a host\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:99999", "a b", "127.0.0.1,host:0"})
  void clusterMembersNameTheBadMember(String members) {
    assertThatThrownBy(() -> {
      EnvReader env = new EnvReader(Map.of("CLUSTER_MEMBERS", members));
      ClusterConfig.fromEnv(env);
      env.throwIfInvalid();
    }).isInstanceOf(ConfigException.class).hasMessageContaining("CLUSTER_MEMBERS must be a comma-separated list");
  }
}
