package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.Bench.i;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.PgClass;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;

/**
 * Privilege: every instruction the table calls privileged on a variant raises #GP outside ring 0
 * there, and the legacy variant's unprivileged sensitive instructions behave as documented.
 */
class PrivilegeTest {

    static Stream<Arguments> privilegedInstructions() {
        return Stream.of(IsaVariant.CLASSIC, IsaVariant.LEGACY).flatMap(isa ->
                Arrays.stream(Opcode.values())
                        .filter(op -> isa.classify(op) == PgClass.PRIVILEGED)
                        .flatMap(op -> Stream.of(1, 2, 3).map(ring -> Arguments.of(isa, op, ring))));
    }

    @ParameterizedTest(name = "{0}: {1} in ring {2} raises #GP")
    @MethodSource("privilegedInstructions")
    void privilegedInstructionsTrapOutsideRing0(IsaVariant isa, Opcode op, int ring) {
        Bench bench = new Bench(isa).ring(ring);
        int at = bench.code(harmless(op), i(Opcode.HLT));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(Vector.GENERAL_PROTECTION);
        int[] frame = bench.trapFrame();
        assertThat(frame[1]).as("pushed pc: the instruction itself").isEqualTo(at);
        assertThat((frame[2] & Registers.CPL_MASK) >>> Registers.CPL_SHIFT).as("pushed CPL").isEqualTo(ring);
    }

    static Stream<Arguments> sensitiveInstructions() {
        return Stream.of(IsaVariant.CLASSIC, IsaVariant.LEGACY).flatMap(isa ->
                Arrays.stream(Opcode.values())
                        .filter(op -> isa.classify(op) == PgClass.PRIVILEGED)
                        // hlt stops, iret needs a frame, sti; hlt waits forever: each has a test of its own.
                        .filter(op -> op != Opcode.HLT && op != Opcode.IRET && op != Opcode.STI)
                        .map(op -> Arguments.of(isa, op)));
    }

    @ParameterizedTest(name = "{0}: {1} runs in ring 0")
    @MethodSource("sensitiveInstructions")
    void privilegedInstructionsRunInRing0(IsaVariant isa, Opcode op) {
        Bench bench = new Bench(isa);
        bench.code(harmless(op), i(Opcode.HLT));

        RunResult result = bench.run();

        assertThat(bench.trappedVector()).isEqualTo(-1);
        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
    }

    /** The instruction with operands that do nothing harmful in ring 0 (cr0 <- r0, port 0x80...). */
    private static int harmless(Opcode op) {
        return switch (op) {
            case MFCR, MTCR -> new Instruction(op, 1, 0, 0, Registers.CR2).encode();
            case LIDT -> new Instruction(op, 0, 12, 0, 0).encode();
            case IN, OUT -> new Instruction(op, 1, 0, 0, 0x80).encode();
            case INT -> new Instruction(op, 0, 0, 0, 0x80).encode();
            default -> new Instruction(op, 1, 1, 0, 0).encode();
        };
    }

    @Test
    void legacyPopfOutsideRing0SilentlyIgnoresTheInterruptFlag() {
        Bench bench = Bench.legacy().ring(3);
        bench.reg(2, Registers.FLAG_IF | Registers.FLAG_Z);
        bench.code(i(Opcode.PUSH, 0, 2, 0, 0), i(Opcode.POPF), i(Opcode.PUSHF), i(Opcode.POP, 3, 0, 0, 0),
                i(Opcode.INT, 0, 0, 0, 0x80));

        bench.run();

        assertThat(bench.trappedVector()).as("popf did not trap").isEqualTo(0x80);
        assertThat(bench.r(3) & Registers.FLAG_IF).as("IF unchanged").isZero();
        assertThat(bench.r(3) & Registers.FLAG_Z).as("condition bits loaded").isNotZero();
    }

    @Test
    void legacyPushfOutsideRing0RevealsTheRing() {
        Bench bench = Bench.legacy().ring(1);
        bench.code(i(Opcode.PUSHF), i(Opcode.POP, 3, 0, 0, 0), i(Opcode.INT, 0, 0, 0, 0x80));

        bench.run();

        assertThat((bench.r(3) & Registers.CPL_MASK) >>> Registers.CPL_SHIFT).isEqualTo(1);
    }

    @Test
    void legacySmswOutsideRing0RevealsTheRing() {
        Bench bench = Bench.legacy().ring(3);
        bench.code(i(Opcode.SMSW, 3, 0, 0, 0), i(Opcode.INT, 0, 0, 0, 0x80));

        bench.run();

        assertThat(bench.r(3) >>> Registers.MSW_CPL_SHIFT & 3).isEqualTo(3);
    }

    @Test
    void legacySidtOutsideRing0RevealsWhereTheInterruptTableIs() {
        Bench bench = Bench.legacy().ring(3);
        bench.cpu().setIdtr(Bench.IDT);
        bench.code(i(Opcode.SIDT, 3, 0, 0, 0), i(Opcode.INT, 0, 0, 0, 0x80));
        bench.reg(3, -1);

        bench.run();

        assertThat(bench.r(3)).isEqualTo(Bench.IDT);
    }

    @Test
    void popfInRing0WritesTheInterruptFlagButNeverTheRing() {
        Bench bench = Bench.classic();
        bench.reg(2, Registers.FLAG_IF | 3 << Registers.CPL_SHIFT);
        bench.code(i(Opcode.PUSH, 0, 2, 0, 0), i(Opcode.POPF), i(Opcode.CLI), i(Opcode.HLT));

        bench.run();

        assertThat(bench.cpu().cpl()).isZero();
        assertThat(bench.machine.run().stopReason()).isEqualTo(StopReason.HALT);
    }
}
