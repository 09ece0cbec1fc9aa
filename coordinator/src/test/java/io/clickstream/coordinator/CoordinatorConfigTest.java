package io.clickstream.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.protocol.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lease settings the workers could not live with are refused by name before the coordinator starts. */
class CoordinatorConfigTest {
  @Test
  void aLeaseShorterThanTwoHeartbeatsIsRefused() {
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(Map.of("WORKER_LEASE_MS", "1500")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WORKER_LEASE_MS must be at least two heartbeats (2000 ms), got \"1500\"");
    // The default lease (WORKER_LOST_AFTER_MS - 1000) falls below it too: the message says where it came from.
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(Map.of("WORKER_LOST_AFTER_MS", "2500")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WORKER_LEASE_MS must be at least two heartbeats (2000 ms), got \"1500\"")
        .hasMessageContaining("WORKER_LOST_AFTER_MS is 2500");
  }

  @Test
  void twoHeartbeatsAndMoreAreFine() {
    assertThat(CoordinatorConfig.fromEnv(Map.of("WORKER_LEASE_MS", "2000", "WORKER_LOST_AFTER_MS", "3000"))
        .leaseMillis()).isEqualTo(2000);
    assertThat(CoordinatorConfig.fromEnv(Map.of()).leaseMillis()).isEqualTo(3000);
  }
}
