package io.clickstream.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The protocol module has no package cycle, and only its {@link Clock} (Clock.SYSTEM) reads the system
 * clock: everything else takes a Clock, so that the simulation can run it on fake time.
 */
class ProtocolArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.clickstream.protocol");

  /** Calls and method references alike ({@code System::currentTimeMillis} is a read too). */
  private static final DescribedPredicate<JavaAccess<?>> SYSTEM_CLOCK = DescribedPredicate.describe(
      "System.nanoTime or System.currentTimeMillis", access -> access.getTargetOwner().isEquivalentTo(System.class)
          && (access.getName().equals("nanoTime") || access.getName().equals("currentTimeMillis")));

  @Test
  void packagesAreFreeOfCycles() {
    // "io.clickstream.(**)" over this module's classes only: the root package is a slice ("protocol") too,
    // which "io.clickstream.protocol.(**)" would leave out, and with it any cycle through the root.
    slices().matching("io.clickstream.(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void onlyTheClockReadsTheSystemClock() {
    noClasses().that().areNotAssignableTo(Clock.class)
        .should().accessTargetWhere(SYSTEM_CLOCK)
        .because("time comes from an injected Clock; Clock.SYSTEM is the one that reads the system's").check(MAIN);
  }
}
