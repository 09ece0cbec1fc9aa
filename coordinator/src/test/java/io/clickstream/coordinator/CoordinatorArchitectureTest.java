package io.clickstream.coordinator;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.clickstream.testkit.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's main code has no package cycle and reads no clock but the injected
 * {@code io.clickstream.protocol.Clock}, which is what lets the simulation run it on fake time.
 */
class CoordinatorArchitectureTest {
  private static final JavaClasses MAIN = ArchitectureRules.mainClasses("io.clickstream.coordinator");

  @Test
  void packagesAreFreeOfCycles() {
    ArchitectureRules.packagesFreeOfCycles().check(MAIN);
  }

  @Test
  void noClockReadOutsideTheClock() {
    ArchitectureRules.noSystemClockReads().check(MAIN);
  }
}
