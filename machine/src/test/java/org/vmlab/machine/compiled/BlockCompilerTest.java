package org.vmlab.machine.compiled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.isa.Registers.FLAG_C;
import static org.vmlab.machine.isa.Registers.FLAG_IF;
import static org.vmlab.machine.isa.Registers.FLAG_N;
import static org.vmlab.machine.isa.Registers.FLAG_V;
import static org.vmlab.machine.isa.Registers.FLAG_Z;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.memory.PhysicalMemory;

/** What each kind of instruction does in a compiled block, and where a block ends. */
class BlockCompilerTest {
    private static final int BASE = 0x2000;

    private final PhysicalMemory memory = new PhysicalMemory(64 << 10);
    private final BlockCompiler compiler = new BlockCompiler();
    private final int[] r = new int[16];

    private static Instruction insn(Opcode op, int a, int b, int c, int imm) {
        return new Instruction(op, a, b, c, imm);
    }

    /** Writes {@code code} at BASE and compiles the block there. */
    private Block compile(Instruction... code) {
        return compileAt(BASE, code);
    }

    private Block compileAt(int pa, Instruction... code) {
        for (int i = 0; i < code.length; i++) {
            memory.writeWord(pa + 4 * i, code[i].encode());
        }
        return compiler.compile(memory, pa, any -> true);
    }

    private long run(Block block, int flags) {
        return block.code().execute(r, flags, block.address());
    }

    @Test
    void registerArithmeticWritesItsDestination() {
        r[2] = 7;
        r[3] = -3;
        Block block = compile(insn(Opcode.ADD, 1, 2, 3, 0), insn(Opcode.SUB, 4, 2, 3, 0),
                insn(Opcode.MUL, 5, 2, 3, 0), insn(Opcode.XOR, 6, 2, 3, 0), insn(Opcode.HLT, 0, 0, 0, 0));

        long result = run(block, 0);

        assertThat(new int[] {r[1], r[4], r[5], r[6]}).containsExactly(4, 10, -21, 7 ^ -3);
        assertThat(block.length()).as("ends before hlt, which it does not handle").isEqualTo(4);
        assertThat(CompiledBlock.nextPc(result)).isEqualTo(BASE + 16);
        assertThat(block.extraCycles()).isEqualTo(Opcode.MUL.cycles() - 1);
    }

    @Test
    void immediatesAreSignOrZeroExtendedAsTheirFormatSays() {
        r[2] = 0x1234_5678;
        Block block = compile(insn(Opcode.ADDI, 1, 2, 0, -1), insn(Opcode.ORI, 3, 0, 0, 0xFFFF),
                insn(Opcode.ANDI, 4, 2, 0, 0xF0F0), insn(Opcode.LUI, 5, 0, 0, 0xABCD),
                insn(Opcode.MULI, 6, 2, 0, -2), insn(Opcode.CLI, 0, 0, 0, 0));

        run(block, 0);

        assertThat(r[1]).isEqualTo(0x1234_5677);
        assertThat(r[3]).as("ori zero-extends").isEqualTo(0xFFFF);
        assertThat(r[4]).isEqualTo(0x5070);
        assertThat(r[5]).isEqualTo(0xABCD_0000);
        assertThat(r[6]).isEqualTo(0x1234_5678 * -2);
        assertThat(block.extraCycles()).isEqualTo(Opcode.MULI.cycles() - 1);
    }

    @Test
    void shiftsTakeTheirCountModulo32() {
        r[2] = 0x8000_0001;
        r[3] = 33;
        Block block = compile(insn(Opcode.SHL, 1, 2, 3, 0), insn(Opcode.SHRI, 4, 2, 0, 4),
                insn(Opcode.SARI, 5, 2, 0, 4), insn(Opcode.NOP, 0, 0, 0, 0));

        run(block, 0);

        assertThat(r[1]).isEqualTo(0x0000_0002);
        assertThat(r[4]).isEqualTo(0x0800_0000);
        assertThat(r[5]).isEqualTo(0xF800_0000);
    }

    @Test
    void writesToR0AreDroppedAndR0ReadsAsZero() {
        r[2] = 5;
        Block block = compile(insn(Opcode.ADDI, 0, 2, 0, 1), insn(Opcode.ADD, 1, 0, 2, 0),
                insn(Opcode.NOP, 0, 0, 0, 0));

        run(block, 0);

        assertThat(r[0]).isZero();
        assertThat(r[1]).isEqualTo(5);
    }

    @Test
    void compareSetsTheConditionBitsAndKeepsTheOthers() {
        r[1] = Integer.MIN_VALUE;
        r[2] = 1;
        Block block = compile(insn(Opcode.CMP, 0, 1, 2, 0), insn(Opcode.NOP, 0, 0, 0, 0));

        int flags = CompiledBlock.flags(run(block, FLAG_IF | FLAG_Z));

        // MIN - 1 overflows to MAX: V set, N clear, no borrow, not zero; IF kept
        assertThat(flags).isEqualTo(FLAG_IF | FLAG_V);
    }

    @Test
    void compareImmediateAndTestSetFlagsLikeCmpAndTst() {
        r[1] = 3;
        Block lower = compile(insn(Opcode.CMPI, 0, 1, 0, 4), insn(Opcode.NOP, 0, 0, 0, 0));
        assertThat(CompiledBlock.flags(run(lower, 0))).isEqualTo(FLAG_N | FLAG_C);

        r[2] = 4;
        Block test = compileAt(BASE + 0x100, insn(Opcode.TST, 0, 1, 2, 0), insn(Opcode.NOP, 0, 0, 0, 0));
        assertThat(CompiledBlock.flags(run(test, FLAG_C | FLAG_V))).as("tst clears C and V").isEqualTo(FLAG_Z);
    }

    @Test
    void aConditionalBranchEndsTheBlockAndChoosesTheNextPc() {
        r[1] = 1;
        r[2] = 2;
        // cmp r1, r2; blt -3 words (back to BASE - 4 + ... ): target = pc + 4 + (imm << 2)
        Block block = compile(insn(Opcode.CMP, 0, 1, 2, 0), insn(Opcode.BLT, 0, 0, 0, -2),
                insn(Opcode.ADD, 3, 1, 2, 0));

        long taken = run(block, 0);
        assertThat(block.length()).isEqualTo(2);
        assertThat(CompiledBlock.nextPc(taken)).isEqualTo(BASE + 4 + 4 - 8);

        r[1] = 3;
        long notTaken = run(block, 0);
        assertThat(CompiledBlock.nextPc(notTaken)).isEqualTo(BASE + 8);
        assertThat(r[3]).as("the instruction after the branch is not in the block").isZero();
    }

    @Test
    void everyConditionalBranchReadsItsConditionAsDocumented() {
        record Case(Opcode op, int flags, boolean taken) { }
        Case[] cases = {
            new Case(Opcode.BEQ, FLAG_Z, true), new Case(Opcode.BEQ, 0, false),
            new Case(Opcode.BNE, 0, true), new Case(Opcode.BNE, FLAG_Z, false),
            new Case(Opcode.BLT, FLAG_N, true), new Case(Opcode.BLT, FLAG_N | FLAG_V, false),
            new Case(Opcode.BGE, FLAG_N | FLAG_V, true), new Case(Opcode.BGE, FLAG_V, false),
            new Case(Opcode.BLE, FLAG_Z, true), new Case(Opcode.BLE, 0, false),
            new Case(Opcode.BGT, 0, true), new Case(Opcode.BGT, FLAG_Z, false),
            new Case(Opcode.BLTU, FLAG_C, true), new Case(Opcode.BLTU, 0, false),
            new Case(Opcode.BGEU, 0, true), new Case(Opcode.BGEU, FLAG_C, false),
        };
        int at = BASE;
        for (Case c : cases) {
            Block block = compileAt(at, insn(c.op(), 0, 0, 0, 10));
            int next = CompiledBlock.nextPc(run(block, c.flags()));
            assertThat(next).as("%s with flags %x", c.op(), c.flags()).isEqualTo(c.taken() ? at + 44 : at + 4);
            at += 8;
        }
    }

    @Test
    void jumpsDirectAndThroughARegister() {
        r[7] = 0x4444;
        Block direct = compile(insn(Opcode.JMP, 0, 0, 0, 0x10));
        Block register = compileAt(BASE + 0x40, insn(Opcode.JR, 0, 7, 0, 0));

        assertThat(CompiledBlock.nextPc(run(direct, 0))).isEqualTo(BASE + 4 + 0x40);
        assertThat(CompiledBlock.nextPc(run(register, 0))).isEqualTo(0x4444);
    }

    @Test
    void branchTargetsAreRelativeToTheVirtualAddressTheBlockRunsAt() {
        r[1] = 1;
        Block block = compile(insn(Opcode.ADDI, 1, 1, 0, 1), insn(Opcode.JMP, 0, 0, 0, 3));
        Block fallsThrough = compileAt(BASE + 0x100, insn(Opcode.ADDI, 1, 1, 0, 1), insn(Opcode.NOP, 0, 0, 0, 0));

        assertThat(CompiledBlock.nextPc(block.code().execute(r, 0, 0x00C0_0000))).isEqualTo(0x00C0_0000 + 4 + 4 + 12);
        assertThat(CompiledBlock.nextPc(fallsThrough.code().execute(r, 0, 0x00C0_0100))).isEqualTo(0x00C0_0104);
    }

    @Test
    void instructionsThatCanTrapOrReachMemoryAreNotCompiled() {
        for (Opcode op : new Opcode[] {Opcode.DIV, Opcode.REM, Opcode.LW, Opcode.SW, Opcode.PUSH,
            Opcode.CALL, Opcode.RET, Opcode.INT, Opcode.HLT, Opcode.STI, Opcode.NOP}) {
            assertThat(BlockCompiler.handles(op)).as(op.name()).isFalse();
        }
        assertThat(compile(insn(Opcode.DIV, 1, 2, 3, 0))).as("an empty block is no block").isNull();
    }

    @Test
    void aBlockEndsAtThePageEnd() {
        int pa = 0x3000 - 8;
        Block block = compileAt(pa, insn(Opcode.ADDI, 1, 1, 0, 1), insn(Opcode.ADDI, 1, 1, 0, 1),
                insn(Opcode.ADDI, 1, 1, 0, 1));

        long result = run(block, 0);

        assertThat(block.length()).isEqualTo(2);
        assertThat(CompiledBlock.nextPc(result)).isEqualTo(0x3000);
        assertThat(r[1]).isEqualTo(2);
    }

    @Test
    void aBlockHoldsAtMostMaxLengthInstructions() {
        Instruction[] code = new Instruction[BlockCompiler.MAX_LENGTH + 5];
        java.util.Arrays.fill(code, insn(Opcode.ADDI, 1, 1, 0, 1));

        Block block = compile(code);
        run(block, 0);

        assertThat(block.length()).isEqualTo(BlockCompiler.MAX_LENGTH);
        assertThat(r[1]).isEqualTo(BlockCompiler.MAX_LENGTH);
    }

    @Test
    void aBlockStopsBeforeTheFirstInstructionNotAdmitted() {
        memory.writeWord(BASE, insn(Opcode.ADDI, 1, 1, 0, 1).encode());
        memory.writeWord(BASE + 4, insn(Opcode.ADDI, 1, 1, 0, 1).encode());

        Block block = compiler.compile(memory, BASE, pa -> pa < BASE + 4);

        assertThat(block.length()).isEqualTo(1);
        assertThat(compiler.compile(memory, BASE, pa -> false)).isNull();
    }
}
