package io.clickstream.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The test kit has no package cycle. Its clock reads stay: it is test support, whose deadlines (wait for a
 * broker, a log line, a record) are real time by nature and never run inside the simulation.
 */
class TestkitArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.clickstream.testkit");

  @Test
  void packagesAreFreeOfCycles() {
    // "io.clickstream.(**)" over this module's classes only: the root package is a slice ("testkit") too,
    // which "io.clickstream.testkit.(**)" would leave out, and with it any cycle through the root.
    slices().matching("io.clickstream.(**)").should().beFreeOfCycles().check(MAIN);
  }
}
