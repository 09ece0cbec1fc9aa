package io.clickstream.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture rules every module's test checks (issue 14): no package cycle, and no clock read but
 * the injected {@code io.clickstream.protocol.Clock}, which is what lets the simulation run the cluster
 * on fake time. (protocol has its own copy: it cannot depend on the test kit's build order.)
 */
public final class ArchitectureRules {
    /** Calls and method references alike ({@code System::currentTimeMillis} is a read too). */
    public static final DescribedPredicate<JavaAccess<?>> SYSTEM_CLOCK = DescribedPredicate.describe(
            "System.nanoTime or System.currentTimeMillis", access -> access.getTargetOwner().isEquivalentTo(System.class)
                    && (access.getName().equals("nanoTime") || access.getName().equals("currentTimeMillis")));

    private ArchitectureRules() {
    }

    /** The main classes (not the tests) of one module's root package and everything under it. */
    public static JavaClasses mainClasses(String rootPackage) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage);
    }

    /**
     * "io.clickstream.(**)" over one module's classes: the module's root package is a slice too, which
     * "io.clickstream.worker.(**)" would leave out, and with it every cycle through the root.
     */
    public static ArchRule packagesFreeOfCycles() {
        return slices().matching("io.clickstream.(**)").should().beFreeOfCycles();
    }

    public static ArchRule noSystemClockReads() {
        return noClasses().should().accessTargetWhere(SYSTEM_CLOCK)
                .because("time comes from the injected io.clickstream.protocol.Clock");
    }
}
