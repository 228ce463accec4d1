package org.vmlab.labs.lab0;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Sensitivity;

/**
 * The reference probe finds, by experiment, every instruction's sensitivity as the table states
 * it, on every variant: not only the classes the graded tests compare (where a trap hides what a
 * privileged instruction would do), but whether each instruction is control- or
 * behavior-sensitive at all.
 */
class ProbeFidelityTest {

    @ParameterizedTest
    @ValueSource(strings = {"classic", "legacy", "mixed", "flags"})
    void theProbeFindsTheTablesSensitivity(String name) {
        IsaVariant isa = switch (name) {
            case "classic" -> IsaVariant.CLASSIC;
            case "legacy" -> IsaVariant.LEGACY;
            case "mixed" -> IsaVariant.of("mixed", Opcode.SIDT, Opcode.POPF);
            default -> IsaVariant.of("flags", Opcode.PUSHF, Opcode.POPF, Opcode.SMSW);
        };
        InstructionProbe probe = new InstructionProbe(isa);
        for (Opcode op : Opcode.values()) {
            Observations o = probe.observe(op);
            Sensitivity found = Classifier.controlSensitive(o) ? Sensitivity.CONTROL
                    : Classifier.behaviorSensitive(o) ? Sensitivity.BEHAVIOR
                    : Sensitivity.INNOCUOUS;
            assertThat(found).as("%s on %s: %s", op.mnemonic(), isa.name(), o)
                    .isEqualTo(op.sensitivity());
            assertThat(Classifier.privileged(o)).as("%s on %s traps outside ring 0: %s",
                    op.mnemonic(), isa.name(), o).isEqualTo(isa.trapsOutsideRing0(op));
            assertThat(Classifier.userSensitive(o)).as("%s on %s is user-sensitive: %s",
                    op.mnemonic(), isa.name(), o)
                    .isEqualTo(op == Opcode.SIDT && !isa.trapsOutsideRing0(op));
        }
    }
}
