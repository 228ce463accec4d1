package org.vmlab.cpu.bt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vmlab.machine.isa.Opcode;

/**
 * Which sensitive instructions an in-cache sequence may emulate: those that touch only the vCPU's
 * own state. The rest need the VMM, and the reason says why.
 */
class InCacheSafetyTest {

    @Test
    void exactlyTheInstructionsThatTouchOnlyTheVcpuAreAllowedInTheCache() {
        Set<Opcode> allowed = Arrays.stream(Opcode.values()).filter(InCacheSafety::allows)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Opcode.class)));

        assertThat(allowed).containsExactlyInAnyOrder(Opcode.CLI, Opcode.STI, Opcode.PUSHF, Opcode.POPF,
                Opcode.SMSW, Opcode.SIDT, Opcode.MFCR);
    }

    @Property
    void onlySensitiveInstructionsAreAllowed(@ForAll Opcode op) {
        if (InCacheSafety.allows(op)) {
            assertThat(op.isSensitive()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Opcode.class, names = {"IN", "OUT", "MTCR", "INVLPG", "IRET", "LIDT", "HLT"})
    void everySensitiveInstructionThatMustCallOutSaysWhy(Opcode op) {
        assertThat(InCacheSafety.allows(op)).isFalse();
        assertThat(InCacheSafety.why(op)).startsWith("it ").isNotEqualTo("it is not sensitive");
    }

    @Test
    void theReasonsNameWhatTheInstructionNeedsTheVmmFor() {
        assertThat(InCacheSafety.why(Opcode.OUT)).contains("device");
        assertThat(InCacheSafety.why(Opcode.MTCR)).contains("address space");
        assertThat(InCacheSafety.why(Opcode.IRET)).contains("mode");
        assertThat(InCacheSafety.why(Opcode.LIDT)).contains("interrupt table");
        assertThat(InCacheSafety.why(Opcode.HLT)).contains("waits");
    }

    @Test
    void anInnocuousInstructionIsNotSensitive() {
        assertThat(InCacheSafety.why(Opcode.ADD)).isEqualTo("it is not sensitive");
        assertThat(InCacheSafety.allows(Opcode.ADD)).isFalse();
    }

    @Property
    void everySensitiveInstructionIsEitherAllowedOrGivenAReason(@ForAll Opcode op) {
        if (op.isSensitive()) {
            assertThat(InCacheSafety.allows(op) || !InCacheSafety.why(op).equals("it is not sensitive"))
                    .as("%s is allowed in the cache or has a reason not to be", op).isTrue();
        }
    }
}
