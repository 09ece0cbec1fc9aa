package io.clickstream.coordinator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's main code has no package cycle and reads no clock but the injected
 * {@code io.clickstream.protocol.Clock}, which is what lets the simulation run it on fake time.
 */
class CoordinatorArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.clickstream.coordinator");

  /** Calls and method references alike ({@code System::currentTimeMillis} is a read too). */
  private static final DescribedPredicate<JavaAccess<?>> SYSTEM_CLOCK = DescribedPredicate.describe(
      "System.nanoTime or System.currentTimeMillis", access -> access.getTargetOwner().isEquivalentTo(System.class)
          && (access.getName().equals("nanoTime") || access.getName().equals("currentTimeMillis")));

  @Test
  void packagesAreFreeOfCycles() {
    // "io.clickstream.(**)" over this module's classes only: the root package is a slice ("coordinator") too,
    // which "io.clickstream.coordinator.(**)" would leave out, and with it any cycle through the root.
    slices().matching("io.clickstream.(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void noClockReadOutsideTheClock() {
    noClasses().should().accessTargetWhere(SYSTEM_CLOCK)
        .because("time comes from the injected io.clickstream.protocol.Clock").check(MAIN);
  }
}
