package io.clickstream.testkit;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * The test kit has no package cycle. Its clock reads stay: it is test support, whose deadlines (wait for a
 * broker, a log line, a record) are real time by nature and never run inside the simulation.
 */
class TestkitArchitectureTest {
  private static final JavaClasses MAIN = ArchitectureRules.mainClasses("io.clickstream.testkit");

  @Test
  void packagesAreFreeOfCycles() {
    ArchitectureRules.packagesFreeOfCycles().check(MAIN);
  }
}
