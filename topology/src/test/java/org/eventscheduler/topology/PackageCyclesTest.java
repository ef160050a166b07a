package org.eventscheduler.topology;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No package of the topology imports a package that imports it back. The root package holds two kinds
 * of class: the assembly ({@link SchedulerTopology} and its {@link TopologyConfig}), which may use every
 * package and is used by none, and the vocabulary every package shares (topics, store names, headers,
 * throttle reasons, tracing), which uses no package of the topology. Each is a slice of its own, beside
 * one slice per sub-package.
 */
class PackageCyclesTest {
    private static final String ROOT = "org.eventscheduler.topology";
    private static final Set<String> ASSEMBLY = Set.of(SchedulerTopology.class.getName(), TopologyConfig.class.getName());

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** One slice per sub-package; the root package split into the assembly and the shared vocabulary. */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String packageName = javaClass.getPackageName();
            if (packageName.equals(ROOT)) {
                return SliceIdentifier.of(ASSEMBLY.contains(topLevel(javaClass).getName()) ? "(assembly)" : "(root)");
            }
            if (packageName.startsWith(ROOT + ".")) {
                String rest = packageName.substring(ROOT.length() + 1);
                int dot = rest.indexOf('.');
                return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
            }
            return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "packages of " + ROOT;
        }
    };

    @Test
    void shouldHaveNoCyclesBetweenPackages() {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void shouldKeepTheAssemblyOutOfEveryPackage() {
        noClasses().that().resideOutsideOfPackage(ROOT)
                .should().dependOnClassesThat(DescribedPredicate.describe("are the assembly",
                        javaClass -> ASSEMBLY.contains(topLevel(javaClass).getName())))
                .check(CLASSES);
    }

    private static JavaClass topLevel(JavaClass javaClass) {
        JavaClass current = javaClass;
        while (current.getEnclosingClass().isPresent()) {
            current = current.getEnclosingClass().get();
        }
        return current;
    }
}
