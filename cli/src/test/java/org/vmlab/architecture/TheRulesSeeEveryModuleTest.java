package org.vmlab.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The architecture rules are only as wide as what they import: every module's main code, no tests. */
class TheRulesSeeEveryModuleTest {

    @Test
    void theImportHoldsTheMainCodeOfEveryModuleAndNoTest() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .withImportOption(new WholeProjectArchitectureTest.DoNotIncludeTestJars())
                .importPackages("org.vmlab");

        for (String module : List.of("org.vmlab.machine", "org.vmlab.asm", "org.vmlab.vmm", "org.vmlab.cpu",
                "org.vmlab.memory", "org.vmlab.guests", "org.vmlab.grader", "org.vmlab.labs", "org.vmlab.cli")) {
            assertThat(classes.containPackage(module)).as("the rules see %s", module).isTrue();
        }
        assertThat(classes.contain(TheRulesSeeEveryModuleTest.class)).as("and no test").isFalse();
        assertThat(classes.stream().map(c -> c.getName()))
                .as("nor the test helpers other modules publish").doesNotContain("org.vmlab.vmm.IdentityMemory");
    }
}
