package org.vmlab.labs.lab0;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;

/**
 * Lab 0, hidden tests: variants the student has never seen, so that only a probe that
 * experiments gets them right.
 */
class Lab0HiddenTest {

    /** sidt and popf run in ring 3; pushf and smsw trap. */
    static final IsaVariant MIXED = IsaVariant.of("mixed", Opcode.SIDT, Opcode.POPF);
    /** The flags and the status word run in ring 3; sidt traps. */
    static final IsaVariant FLAGS = IsaVariant.of("flags", Opcode.PUSHF, Opcode.POPF, Opcode.SMSW);
    /** Only a behaviour-sensitive instruction is unprivileged: Theorem 1 must see that class too. */
    static final IsaVariant READS = IsaVariant.of("reads", Opcode.SIDT);
    /** Only a control-sensitive instruction is unprivileged: and this class. */
    static final IsaVariant POPF_ONLY = IsaVariant.of("popf-only", Opcode.POPF);

    @Test
    @Graded(points = 3, number = "0.5", name = "a variant never seen: every instruction classified",
            visibility = Visibility.HIDDEN)
    void unseenVariant(Checkpoints checkpoints) {
        Lab0Test.classifiesEveryInstruction(MIXED, checkpoints);
    }

    @Test
    @Graded(points = 2, number = "0.6", name = "Theorems 1 and 3 on variants never seen",
            visibility = Visibility.HIDDEN)
    void theoremsOnUnseenVariants() {
        Lab0Test.assertDecidesByExperiment();
        assertThat(Theorems.theorem1(MIXED))
                .as("Theorem 1 on mixed (sidt and popf unprivileged): should not hold").isFalse();
        assertThat(Theorems.theorem3(MIXED))
                .as("Theorem 3 on mixed: sidt in ring 3 reveals the real interrupt table, "
                        + "so it should not hold").isFalse();
        assertThat(Theorems.theorem1(FLAGS))
                .as("Theorem 1 on flags (pushf, popf, smsw unprivileged): should not hold")
                .isFalse();
        assertThat(Theorems.theorem3(FLAGS))
                .as("Theorem 3 on flags: in ring 3, pushf, popf and smsw show only what user "
                        + "mode expects (ring 3, IF unchanged), so it should hold").isTrue();
        assertThat(Theorems.theorem1(READS))
                .as("Theorem 1 on reads (only sidt unprivileged, behaviour-sensitive but not "
                        + "control-sensitive): should not hold; does your Theorem 1 look at both "
                        + "kinds of sensitivity?").isFalse();
        assertThat(Theorems.theorem1(POPF_ONLY))
                .as("Theorem 1 on popf-only (only popf unprivileged, control-sensitive): should "
                        + "not hold; does your Theorem 1 look at both kinds of sensitivity?")
                .isFalse();
    }
}
