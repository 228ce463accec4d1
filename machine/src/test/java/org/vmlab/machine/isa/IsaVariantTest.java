package org.vmlab.machine.isa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IsaVariantTest {

    @Test
    void onClassicEverySensitiveInstructionIsPrivileged() {
        for (Opcode op : Opcode.values()) {
            PgClass expected = op.isSensitive() ? PgClass.PRIVILEGED : PgClass.INNOCUOUS;
            assertThat(IsaVariant.CLASSIC.classify(op)).as(op.mnemonic()).isEqualTo(expected);
        }
        assertThat(IsaVariant.CLASSIC.satisfiesTheorem1()).isTrue();
    }

    @Test
    void onLegacyFourSensitiveInstructionsDoNotTrapAndTheorem1Fails() {
        assertThat(IsaVariant.LEGACY.classify(Opcode.POPF)).isEqualTo(PgClass.CONTROL_SENSITIVE);
        assertThat(IsaVariant.LEGACY.classify(Opcode.PUSHF)).isEqualTo(PgClass.BEHAVIOR_SENSITIVE);
        assertThat(IsaVariant.LEGACY.classify(Opcode.SMSW)).isEqualTo(PgClass.BEHAVIOR_SENSITIVE);
        assertThat(IsaVariant.LEGACY.classify(Opcode.SIDT)).isEqualTo(PgClass.BEHAVIOR_SENSITIVE);
        assertThat(Arrays.stream(Opcode.values()).filter(op -> IsaVariant.LEGACY.classify(op).isSensitiveUnprivileged()))
                .containsExactlyInAnyOrder(Opcode.POPF, Opcode.PUSHF, Opcode.SMSW, Opcode.SIDT);
        assertThat(IsaVariant.LEGACY.satisfiesTheorem1()).isFalse();
    }

    @Test
    void theAlwaysTrappingInstructionsArePrivilegedOnBothVariants() {
        for (Opcode op : new Opcode[] {Opcode.HLT, Opcode.CLI, Opcode.STI, Opcode.IRET, Opcode.LIDT,
                Opcode.MFCR, Opcode.MTCR, Opcode.INVLPG, Opcode.IN, Opcode.OUT}) {
            assertThat(IsaVariant.CLASSIC.trapsOutsideRing0(op)).as(op.mnemonic()).isTrue();
            assertThat(IsaVariant.LEGACY.trapsOutsideRing0(op)).as(op.mnemonic()).isTrue();
        }
    }

    @Test
    void aVariantCanOnlyUnprivilegeInstructionsThatHaveAnUnprivilegedForm() {
        assertThatThrownBy(() -> IsaVariant.of("broken", Opcode.HLT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hlt has no unprivileged form");
        assertThat(IsaVariant.of("sidt-only", Opcode.SIDT).classify(Opcode.SIDT))
                .isEqualTo(PgClass.BEHAVIOR_SENSITIVE);
    }

    @Test
    void builtInVariantsAreFoundByName() {
        assertThat(IsaVariant.named("Legacy")).contains(IsaVariant.LEGACY);
        assertThat(IsaVariant.named("classic")).contains(IsaVariant.CLASSIC);
        assertThat(IsaVariant.named("x86")).isEmpty();
    }
}
