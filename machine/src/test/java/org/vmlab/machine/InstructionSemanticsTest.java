package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.Bench.branch;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;
import static org.vmlab.machine.Bench.rrr;
import static org.vmlab.machine.isa.Opcode.*;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;

/** What each instruction does to registers, flags, memory and pc: docs/isa.md, as tests. */
class InstructionSemanticsTest {

    /** One instruction with r2 = x and r3 = y writes {@code expected} to r1. */
    static Stream<Arguments> arithmetic() {
        return Stream.of(
                Arguments.of("add", rrr(ADD, 1, 2, 3), 7, 5, 12),
                Arguments.of("add wraps around", rrr(ADD, 1, 2, 3), 0x7FFF_FFFF, 1, 0x8000_0000),
                Arguments.of("sub", rrr(SUB, 1, 2, 3), 5, 7, -2),
                Arguments.of("and", rrr(AND, 1, 2, 3), 0b1100, 0b1010, 0b1000),
                Arguments.of("or", rrr(OR, 1, 2, 3), 0b1100, 0b1010, 0b1110),
                Arguments.of("xor", rrr(XOR, 1, 2, 3), 0b1100, 0b1010, 0b0110),
                Arguments.of("shl uses the low 5 bits", rrr(SHL, 1, 2, 3), 1, 33, 2),
                Arguments.of("shr is logical", rrr(SHR, 1, 2, 3), -16, 2, 0x3FFF_FFFC),
                Arguments.of("sar is arithmetic", rrr(SAR, 1, 2, 3), -16, 2, -4),
                Arguments.of("mul keeps the low 32 bits", rrr(MUL, 1, 2, 3), 0x10000, 0x10001, 0x10000),
                Arguments.of("div rounds toward zero", rrr(DIV, 1, 2, 3), -7, 2, -3),
                Arguments.of("divu is unsigned", rrr(DIVU, 1, 2, 3), -2, 2, 0x7FFF_FFFF),
                Arguments.of("rem has the dividend's sign", rrr(REM, 1, 2, 3), -7, 2, -1),
                Arguments.of("remu is unsigned", rrr(REMU, 1, 2, 3), -1, 10, 5),
                Arguments.of("mov", rrr(MOV, 1, 2, 0), 42, 0, 42),
                Arguments.of("addi sign-extends", rri(ADDI, 1, 2, -1), 10, 0, 9),
                Arguments.of("andi zero-extends", rri(ANDI, 1, 2, 0xFFFF), -1, 0, 0xFFFF),
                Arguments.of("ori zero-extends", rri(ORI, 1, 2, 0x8000), 0x10000, 0, 0x18000),
                Arguments.of("xori", rri(XORI, 1, 2, 0xFF), 0x0F, 0, 0xF0),
                Arguments.of("shli", rri(SHLI, 1, 2, 4), 3, 0, 48),
                Arguments.of("shri", rri(SHRI, 1, 2, 31), -1, 0, 1),
                Arguments.of("sari", rri(SARI, 1, 2, 31), -1, 0, -1),
                Arguments.of("lui", rri(LUI, 1, 0, 0xBEEF), 0, 0, 0xBEEF_0000),
                Arguments.of("muli sign-extends", rri(MULI, 1, 2, -3), 5, 0, -15),
                Arguments.of("r0 ignores writes", rri(ADDI, 0, 2, 1), 5, 0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arithmetic")
    void arithmeticAndLogic(String name, int instruction, int x, int y, int expected) {
        Bench bench = Bench.classic().reg(2, x).reg(3, y).reg(1, 0);
        bench.code(instruction, i(HLT));

        bench.run();

        int written = (instruction >>> 20 & 0xF) == 0 ? bench.r(0) : bench.r(1);
        assertThat(written).isEqualTo(expected);
        assertThat(bench.trappedVector()).isEqualTo(-1);
    }

    /** After {@code cmp r2, r3} with r2 = x, r3 = y: is each branch taken? */
    static Stream<Arguments> branches() {
        return Stream.of(
                Arguments.of(BEQ, 3, 3, true), Arguments.of(BEQ, 3, 4, false),
                Arguments.of(BNE, 3, 4, true), Arguments.of(BNE, 3, 3, false),
                Arguments.of(BLT, -1, 0, true), Arguments.of(BLT, 0, -1, false),
                Arguments.of(BLT, Integer.MIN_VALUE, 1, true),
                Arguments.of(BGE, 0, -1, true), Arguments.of(BGE, -1, 0, false),
                Arguments.of(BGE, 5, 5, true),
                Arguments.of(BLE, 5, 5, true), Arguments.of(BLE, 6, 5, false),
                Arguments.of(BGT, 6, 5, true), Arguments.of(BGT, 5, 5, false),
                Arguments.of(BGT, Integer.MAX_VALUE, -1, true),
                Arguments.of(BLTU, 0, -1, true), Arguments.of(BLTU, -1, 0, false),
                Arguments.of(BGEU, -1, 0, true), Arguments.of(BGEU, 0, -1, false));
    }

    @ParameterizedTest(name = "{0} after cmp {1}, {2}: taken = {3}")
    @MethodSource("branches")
    void conditionalBranchesReadTheFlagsOfTheLastCompare(Opcode op, int x, int y, boolean taken) {
        Bench bench = Bench.classic().reg(2, x).reg(3, y);
        int at = bench.code(i(CMP, 0, 2, 3, 0));
        int b = bench.here();
        bench.code(branch(op, b, b + 12), rri(ADDI, 1, 0, 1), i(HLT), rri(ADDI, 1, 0, 2), i(HLT));

        bench.run();

        assertThat(bench.r(1)).as("at 0x%x", at).isEqualTo(taken ? 2 : 1);
    }

    @Test
    void cmpSetsAllFourConditionBitsAndKeepsTheRest() {
        Bench bench = Bench.classic().reg(2, Integer.MIN_VALUE).reg(3, 1);
        bench.code(i(CMP, 0, 2, 3, 0), i(HLT));

        bench.run();

        int flags = bench.cpu().flags();
        assertThat(flags & Registers.FLAG_Z).isZero();
        assertThat(flags & Registers.FLAG_N).isZero();          // MIN - 1 = MAX: positive
        assertThat(flags & Registers.FLAG_V).isNotZero();       // ...by overflow
        assertThat(flags & Registers.FLAG_C).isZero();          // 0x80000000 >= 1 unsigned
    }

    @Test
    void tstSetsZeroAndNegativeFromTheAnd() {
        Bench bench = Bench.classic().reg(2, 0b1010).reg(3, 0b0101);
        bench.code(i(TST, 0, 2, 3, 0), i(HLT));

        bench.run();

        assertThat(bench.cpu().flags() & Registers.FLAG_Z).isNotZero();
    }

    @Test
    void loadsAndStoresMoveWordsAndBytesLittleEndian() {
        Bench bench = Bench.classic().reg(2, Bench.DATA).reg(3, 0x8081_8283);
        bench.code(i(SW, 3, 2, 0, 8), i(LW, 4, 2, 0, 8), i(LB, 5, 2, 0, 8), i(LBU, 6, 2, 0, 11),
                i(SB, 3, 2, 0, 12), i(LW, 7, 2, 0, 12), i(HLT));

        bench.run();

        assertThat(bench.word(Bench.DATA + 8)).isEqualTo(0x8081_8283);
        assertThat(bench.r(4)).isEqualTo(0x8081_8283);
        assertThat(bench.r(5)).isEqualTo(0xFFFF_FF83);    // lb sign-extends the low byte
        assertThat(bench.r(6)).isEqualTo(0x80);           // lbu of the top byte
        assertThat(bench.r(7)).isEqualTo(0x83);
    }

    @Test
    void aMisalignedWordAccessRaisesAlignmentCheck() {
        Bench bench = Bench.classic().reg(2, Bench.DATA + 2);
        int at = bench.code(i(LW, 1, 2, 0, 0), i(HLT));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(Vector.ALIGNMENT_CHECK);
        assertThat(bench.trapFrame()[1]).as("the faulting pc").isEqualTo(at);
    }

    @Test
    void pushAndPopUseTheStackBelowSp() {
        Bench bench = Bench.classic().reg(2, 77);
        bench.code(i(PUSH, 0, 2, 0, 0), i(POP, 3, 0, 0, 0), i(HLT));

        bench.run();

        assertThat(bench.word(Bench.KERNEL_STACK - 4)).isEqualTo(77);
        assertThat(bench.r(3)).isEqualTo(77);
        assertThat(bench.r(Registers.SP)).isEqualTo(Bench.KERNEL_STACK);
    }

    @Test
    void callPushesTheReturnAddressAndRetPopsIt() {
        Bench bench = Bench.classic();
        int call = bench.here();
        int function = call + 12;
        bench.code(branch(CALL, call, function), rri(ADDI, 1, 1, 100), i(HLT),
                i(LW, 2, 14, 0, 0), rri(ADDI, 1, 1, 1), i(RET));

        bench.run();

        assertThat(bench.r(2)).as("the return address on the stack").isEqualTo(call + 4);
        assertThat(bench.r(1)).isEqualTo(101);
        assertThat(bench.r(Registers.SP)).isEqualTo(Bench.KERNEL_STACK);
    }

    @Test
    void indirectJumpsAndCallsTakeTheTargetFromARegister() {
        Bench bench = Bench.classic();
        int start = bench.here();
        int target = start + 16;
        bench.reg(5, target);
        bench.code(i(CALLR, 0, 5, 0, 0), rri(ADDI, 1, 1, 100), i(HLT), i(NOP),
                rri(ADDI, 1, 1, 1), i(RET));

        bench.run();

        assertThat(bench.r(1)).isEqualTo(101);
        assertThat(bench.r(Registers.SP)).isEqualTo(Bench.KERNEL_STACK);
    }

    @Test
    void divisionByZeroFaultsWithThePcOfTheDivide() {
        Bench bench = Bench.classic().reg(2, 1);
        int at = bench.code(rrr(DIV, 1, 2, 0), i(HLT));

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(Vector.DIVIDE_ERROR);
        assertThat(bench.trapFrame()[1]).isEqualTo(at);
    }

    @Test
    void aWordThatIsNotAnInstructionRaisesInvalidOpcode() {
        Bench bench = Bench.classic();
        int at = bench.code(0x0000_0000);

        bench.run();

        assertThat(bench.trappedVector()).isEqualTo(Vector.INVALID_OPCODE);
        assertThat(bench.trapFrame()[1]).isEqualTo(at);
    }

    @Test
    void codeThatRewritesAnInstructionAlreadyDecodedRunsTheNewOne() {
        Bench bench = Bench.classic();
        int loop = bench.here();
        int patched = loop + 4;
        // First pass runs "addi r1, r1, 1"; then the loop overwrites it with "addi r1, r1, 10"
        // and runs the same address again.
        bench.reg(2, patched).reg(3, rri(ADDI, 1, 1, 10));
        bench.code(i(NOP), rri(ADDI, 1, 1, 1), i(CMPI, 0, 1, 0, 1), branch(BNE, loop + 12, loop + 24),
                i(SW, 3, 2, 0, 0), branch(JMP, loop + 20, loop), i(HLT));

        bench.run();

        assertThat(bench.r(1)).isEqualTo(11);
    }
}
