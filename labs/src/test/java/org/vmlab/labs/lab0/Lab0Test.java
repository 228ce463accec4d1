package org.vmlab.labs.lab0;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.PgClass;
import org.vmlab.machine.isa.Sensitivity;

/**
 * Lab 0, "Is this machine virtualizable?": the visible graded tests.
 *
 * <p>The instruction table ({@link IsaVariant#classify}) is the oracle here, and only here: the
 * lab's classes must decide by experiment, which every test checks first.
 */
class Lab0Test {

    @Test
    @Graded(points = 3, number = "0.1", name = "classic: every instruction classified by experiment")
    void classic(Checkpoints checkpoints) {
        classifiesEveryInstruction(IsaVariant.CLASSIC, checkpoints);
    }

    @Test
    @Graded(points = 4, number = "0.2", name = "legacy: every instruction classified by experiment")
    void legacy(Checkpoints checkpoints) {
        classifiesEveryInstruction(IsaVariant.LEGACY, checkpoints);
    }

    @Test
    @Graded(points = 2, number = "0.3", name = "Theorem 1 on classic and legacy")
    void theorem1() {
        assertDecidesByExperiment();
        assertThat(Theorems.theorem1(IsaVariant.CLASSIC))
                .as("Theorem 1 on classic: every sensitive instruction traps outside ring 0, "
                        + "so it should hold")
                .isTrue();
        assertThat(Theorems.theorem1(IsaVariant.LEGACY))
                .as("Theorem 1 on legacy: popf, pushf, smsw and sidt are sensitive and run in "
                        + "ring 3 without trapping, so it should not hold")
                .isFalse();
    }

    @Test
    @Graded(points = 2, number = "0.4", name = "Theorem 3 on classic and legacy")
    void theorem3() {
        assertDecidesByExperiment();
        assertThat(Theorems.theorem3(IsaVariant.CLASSIC))
                .as("Theorem 3 on classic: no instruction is sensitive in ring 3 without trapping, "
                        + "so it should hold")
                .isTrue();
        assertThat(Theorems.theorem3(IsaVariant.LEGACY))
                .as("Theorem 3 on legacy: sidt in ring 3 reveals where the real interrupt table "
                        + "is, without trapping, so it should not hold")
                .isFalse();
    }

    // --- shared with the hidden tests ----------------------------------------------------------

    /**
     * Classifies every instruction of {@code isa} and compares with the table. Partial credit:
     * 1 point when every innocuous instruction is right, 1 when every privileged one is.
     */
    static void classifiesEveryInstruction(IsaVariant isa, Checkpoints checkpoints) {
        assertDecidesByExperiment();
        InstructionProbe probe = new InstructionProbe(isa);
        List<String> wrong = new ArrayList<>();
        boolean innocuousRight = true;
        boolean privilegedRight = true;
        for (Opcode op : Opcode.values()) {
            PgClass expected = isa.classify(op);
            Observations observed = probe.observe(op);
            PgClass actual = Classifier.classify(observed);
            if (actual != expected) {
                wrong.add(String.format("%s on %s: expected %s, your classifier said %s; observed: %s",
                        op.mnemonic(), isa.name(), expected, actual, observed));
                innocuousRight &= expected != PgClass.INNOCUOUS;
                privilegedRight &= expected != PgClass.PRIVILEGED;
            }
        }
        if (innocuousRight) {
            checkpoints.reached("every innocuous instruction classified innocuous", 1);
        }
        if (privilegedRight) {
            checkpoints.reached("every privileged instruction classified privileged", 1);
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.get(0)
                    + (wrong.size() > 1 ? " (and " + (wrong.size() - 1) + " more wrong: "
                    + String.join(" | ", wrong.subList(1, wrong.size())) + ")" : ""));
        }
    }

    /** The ways of reading the instruction table's answer instead of experimenting. */
    private static final ArchRule READS_NO_TABLE = noClasses()
            .that().resideInAPackage("org.vmlab.labs.lab0")
            .and().haveNameNotMatching(".*Test(\\$.*)?")
            .should().callMethod(IsaVariant.class, "classify", Opcode.class)
            .orShould().callMethod(IsaVariant.class, "trapsOutsideRing0", Opcode.class)
            .orShould().callMethod(IsaVariant.class, "satisfiesTheorem1")
            .orShould().callMethod(IsaVariant.class, "unprivileged")
            .orShould().callMethod(Opcode.class, "sensitivity")
            .orShould().callMethod(Opcode.class, "isSensitive")
            .orShould().callMethod(Opcode.class, "unprivilegedSemantics")
            .orShould().dependOnClassesThat().areAssignableTo(Sensitivity.class)
            // reflection and method handles reach the same answers without naming them
            .orShould().dependOnClassesThat().resideInAnyPackage("java.lang.reflect..",
                    "java.lang.invoke..")
            .orShould().callMethodWhere(DescribedPredicate.describe("reflection on a class",
                    call -> call.getTargetOwner().isEquivalentTo(Class.class)
                            && call.getName().matches("forName|getDeclared\\w*|getMethods?"
                            + "|getFields?|getConstructors?|getEnumConstants|getRecordComponents")))
            .because("the probe must decide by experiment, not read the instruction table");

    /** Fails if the lab's classes read the instruction table's classification. */
    static void assertDecidesByExperiment() {
        EvaluationResult result = READS_NO_TABLE.evaluate(LabClasses.IMPORTED);
        if (result.hasViolation()) {
            List<String> details = result.getFailureReport().getDetails();
            throw new AssertionError("your lab 0 classes read the instruction table instead of "
                    + "experimenting: " + String.join("; ", details));
        }
    }

    /** The lab's classes, imported once per test JVM: importing is the slow part of the check. */
    private static final class LabClasses {
        static final JavaClasses IMPORTED = new ClassFileImporter().importPackages("org.vmlab.labs.lab0");
    }
}
