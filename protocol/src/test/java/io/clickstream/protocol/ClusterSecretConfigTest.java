package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSecretConfigTest {
  private static ClusterConfig read(Map<String, String> env) {
    EnvReader reader = new EnvReader(env);
    ClusterConfig config = ClusterConfig.fromEnv(reader);
    reader.throwIfInvalid();
    return config;
  }

  @Test
  void unsetMeansAnOpenBus() {
    ClusterConfig config = read(Map.of());
    assertThat(config.secret()).isNull();
    assertThat(config.describeSecret()).contains("open");
  }

  @Test
  void aShortSecretIsRefusedByNameWithoutEchoingIt() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> read(Map.of("CLUSTER_SECRET", "fifteen-chars!!")));
    assertThat(e.problems()).containsExactly("CLUSTER_SECRET must be at least 16 characters, got one of 15");
    assertThat(e.getMessage()).doesNotContain("fifteen");
  }

  @Test
  void theSecretIsNeverPrinted() {
    ClusterConfig config = read(Map.of("CLUSTER_SECRET", "sixteen-chars-ok"));
    assertThat(config.secret()).isEqualTo("sixteen-chars-ok");
    assertThat(config.toString()).doesNotContain("sixteen").contains("secret=****");
    assertThat(config.describeSecret()).doesNotContain("sixteen").contains("****");
  }
}
