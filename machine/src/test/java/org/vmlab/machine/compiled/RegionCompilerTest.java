package org.vmlab.machine.compiled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.isa.Registers.FLAG_C;
import static org.vmlab.machine.isa.Registers.FLAG_IF;
import static org.vmlab.machine.isa.Registers.FLAG_N;
import static org.vmlab.machine.isa.Registers.FLAG_V;
import static org.vmlab.machine.isa.Registers.FLAG_Z;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.PhysicalMemory;

/** What each kind of instruction does in a compiled region, where a block and a region end, and when code leaves the region early. */
class RegionCompilerTest {
    private static final int BASE = 0x2000;
    private static final int SP = Registers.SP;

    private final Machine machine = new Machine(MachineConfig.builder().memoryBytes(64 << 10).build());
    private final PhysicalMemory memory = machine.memory();
    private final RegionCompiler compiler = new RegionCompiler();
    private final RegionRun state = new RegionRun(machine.mmu(), memory);
    private final int[] r = new int[16];

    private static Instruction insn(Opcode op, int a, int b, int c, int imm) {
        return new Instruction(op, a, b, c, imm);
    }

    /** Writes {@code code} at BASE and compiles the region there. */
    private Region compile(Instruction... code) {
        return compileAt(BASE, code);
    }

    private Region compileAt(int pa, Instruction... code) {
        for (int i = 0; i < code.length; i++) {
            memory.writeWord(pa + 4 * i, code[i].encode());
        }
        return compiler.compile(memory, pa, any -> true);
    }

    /** Runs {@code region} at its physical address with FLAGS {@code flags} and a large budget: the next pc. */
    private int run(Region region, int flags) {
        return runAt(region, region.address(), flags, 1 << 20);
    }

    private int runAt(Region region, int va, int flags, int budget) {
        state.registers = r;
        state.flags = flags;
        state.cpl = 0;
        state.budget = budget;
        state.pageBase = va & ~0xFFF;
        return region.code().run(state);
    }

    @Test
    void registerArithmeticWritesItsDestination() {
        r[2] = 7;
        r[3] = -3;
        Region region = compile(insn(Opcode.ADD, 1, 2, 3, 0), insn(Opcode.SUB, 4, 2, 3, 0),
                insn(Opcode.MUL, 5, 2, 3, 0), insn(Opcode.XOR, 6, 2, 3, 0), insn(Opcode.HLT, 0, 0, 0, 0));

        int next = run(region, 0);

        assertThat(new int[] {r[1], r[4], r[5], r[6]}).containsExactly(4, 10, -21, 7 ^ -3);
        assertThat(region.entryLength()).as("ends before hlt, which it does not handle").isEqualTo(4);
        assertThat(next).isEqualTo(BASE + 16);
        assertThat(state.retired).isEqualTo(4);
        assertThat(state.extraCycles).isEqualTo(Opcode.MUL.cycles() - 1);
        assertThat(state.sideExit).isFalse();
    }

    @Test
    void immediatesAreSignOrZeroExtendedAsTheirFormatSays() {
        r[2] = 0x1234_5678;
        Region region = compile(insn(Opcode.ADDI, 1, 2, 0, -1), insn(Opcode.ORI, 3, 0, 0, 0xFFFF),
                insn(Opcode.ANDI, 4, 2, 0, 0xF0F0), insn(Opcode.LUI, 5, 0, 0, 0xABCD),
                insn(Opcode.MULI, 6, 2, 0, -2), insn(Opcode.CLI, 0, 0, 0, 0));

        run(region, 0);

        assertThat(r[1]).isEqualTo(0x1234_5677);
        assertThat(r[3]).as("ori zero-extends").isEqualTo(0xFFFF);
        assertThat(r[4]).isEqualTo(0x5070);
        assertThat(r[5]).isEqualTo(0xABCD_0000);
        assertThat(r[6]).isEqualTo(0x1234_5678 * -2);
        assertThat(state.extraCycles).isEqualTo(Opcode.MULI.cycles() - 1);
    }

    @Test
    void shiftsTakeTheirCountModulo32() {
        r[2] = 0x8000_0001;
        r[3] = 33;
        Region region = compile(insn(Opcode.SHL, 1, 2, 3, 0), insn(Opcode.SHRI, 4, 2, 0, 4),
                insn(Opcode.SARI, 5, 2, 0, 4), insn(Opcode.HLT, 0, 0, 0, 0));

        run(region, 0);

        assertThat(r[1]).isEqualTo(0x0000_0002);
        assertThat(r[4]).isEqualTo(0x0800_0000);
        assertThat(r[5]).isEqualTo(0xF800_0000);
    }

    @Test
    void writesToR0AreDroppedAndR0ReadsAsZero() {
        r[2] = 5;
        memory.writeWord(0x4000, 99);
        Region region = compile(insn(Opcode.ADDI, 0, 2, 0, 1), insn(Opcode.LW, 0, 0, 0, 0x4000),
                insn(Opcode.ADD, 1, 0, 2, 0), insn(Opcode.HLT, 0, 0, 0, 0));

        run(region, 0);

        assertThat(r[0]).isZero();
        assertThat(r[1]).isEqualTo(5);
    }

    @Test
    void divisionsAreTheJavaOnesAndLeaveADivisionByZeroToTheInterpreter() {
        r[2] = -7;
        r[3] = 2;
        Region region = compile(insn(Opcode.DIV, 4, 2, 3, 0), insn(Opcode.REM, 5, 2, 3, 0),
                insn(Opcode.DIVU, 6, 2, 3, 0), insn(Opcode.REMU, 7, 2, 3, 0), insn(Opcode.DIV, 8, 2, 0, 0),
                insn(Opcode.HLT, 0, 0, 0, 0));

        int next = run(region, 0);

        assertThat(new int[] {r[4], r[5], r[6], r[7]}).containsExactly(-3, -1,
                Integer.divideUnsigned(-7, 2), Integer.remainderUnsigned(-7, 2));
        assertThat(state.sideExit).as("r0 as the divisor: #DE is the interpreter's").isTrue();
        assertThat(next).isEqualTo(BASE + 16);
        assertThat(state.retired).isEqualTo(4);
        assertThat(state.extraCycles).isEqualTo(4 * (Opcode.DIV.cycles() - 1));
        assertThat(r[8]).isZero();
    }

    @Test
    void compareSetsTheConditionBitsAndKeepsTheOthers() {
        r[1] = Integer.MIN_VALUE;
        r[2] = 1;
        Region region = compile(insn(Opcode.CMP, 0, 1, 2, 0), insn(Opcode.HLT, 0, 0, 0, 0));

        run(region, FLAG_IF | FLAG_Z);

        // MIN - 1 overflows to MAX: V set, N clear, no borrow, not zero; IF kept
        assertThat(state.flags).isEqualTo(FLAG_IF | FLAG_V);
    }

    @Test
    void compareImmediateAndTestSetFlagsLikeCmpAndTst() {
        r[1] = 3;
        Region lower = compile(insn(Opcode.CMPI, 0, 1, 0, 4), insn(Opcode.HLT, 0, 0, 0, 0));
        run(lower, 0);
        assertThat(state.flags).isEqualTo(FLAG_N | FLAG_C);

        r[2] = 4;
        Region test = compileAt(BASE + 0x100, insn(Opcode.TST, 0, 1, 2, 0), insn(Opcode.HLT, 0, 0, 0, 0));
        run(test, FLAG_C | FLAG_V);
        assertThat(state.flags).as("tst clears C and V").isEqualTo(FLAG_Z);
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
            // the branch, then a halt: either way control leaves the region
            Region region = compileAt(at, insn(c.op(), 0, 0, 0, 200), insn(Opcode.HLT, 0, 0, 0, 0));
            int next = run(region, c.flags());
            assertThat(next).as("%s with flags %x", c.op(), c.flags()).isEqualTo(c.taken() ? at + 804 : at + 4);
            at += 8;
        }
    }

    @Test
    void aLoopWithinThePageRunsInOneCallUntilItEndsOrTheBudgetDoes() {
        r[1] = 1000;
        Region loop = compile(insn(Opcode.ADDI, 2, 2, 0, 3), insn(Opcode.ADDI, 1, 1, 0, -1),
                insn(Opcode.CMP, 0, 1, 0, 0), insn(Opcode.BNE, 0, 0, 0, -4), insn(Opcode.HLT, 0, 0, 0, 0));

        int next = run(loop, 0);

        assertThat(next).as("out of the loop, before hlt").isEqualTo(BASE + 16);
        assertThat(r[2]).isEqualTo(3000);
        assertThat(state.retired).isEqualTo(4000);

        r[1] = 1000;
        r[2] = 0;
        next = runAt(loop, BASE, 0, 41);
        assertThat(state.retired).as("ten whole turns: the eleventh block does not fit").isEqualTo(40);
        assertThat(next).isEqualTo(BASE);
        assertThat(r[1]).isEqualTo(990);
        assertThat(state.sideExit).as("a budget's end is no side exit").isFalse();
    }

    @Test
    void blocksReachedByBranchesWithinThePageArePartOfTheRegion() {
        // 0: beq +2 → 12; 4: addi r1 1; 8: jmp → 16; 12: addi r1 10; 16: hlt
        Region region = compile(insn(Opcode.BEQ, 0, 0, 0, 2), insn(Opcode.ADDI, 1, 1, 0, 1),
                insn(Opcode.JMP, 0, 0, 0, 1), insn(Opcode.ADDI, 1, 1, 0, 10), insn(Opcode.HLT, 0, 0, 0, 0));

        assertThat(region.instructions()).isEqualTo(4);
        assertThat(run(region, FLAG_Z)).isEqualTo(BASE + 16);
        assertThat(r[1]).isEqualTo(10);
        assertThat(run(region, 0)).isEqualTo(BASE + 16);
        assertThat(r[1]).isEqualTo(11);
        assertThat(state.retired).isEqualTo(3);
    }

    @Test
    void jumpsDirectAndThroughARegister() {
        r[7] = 0x4444;
        Region direct = compile(insn(Opcode.JMP, 0, 0, 0, 0x1000));
        Region register = compileAt(BASE + 0x40, insn(Opcode.JR, 0, 7, 0, 0));

        assertThat(run(direct, 0)).as("a target out of the page leaves the region").isEqualTo(BASE + 4 + 0x4000);
        assertThat(run(register, 0)).isEqualTo(0x4444);
    }

    @Test
    void addressesAreRelativeToTheVirtualPageTheRegionRunsIn() {
        r[1] = 1;
        Region jumps = compile(insn(Opcode.ADDI, 1, 1, 0, 1), insn(Opcode.JMP, 0, 0, 0, 0x1000));
        Region fallsThrough = compileAt(BASE + 0x100, insn(Opcode.ADDI, 1, 1, 0, 1), insn(Opcode.HLT, 0, 0, 0, 0));

        assertThat(runAt(jumps, 0x00C0_0000, 0, 100)).isEqualTo(0x00C0_0000 + 4 + 4 + 0x4000);
        assertThat(runAt(fallsThrough, 0x00C0_0100, 0, 100)).isEqualTo(0x00C0_0104);
    }

    @Test
    void loadsAndStoresReachRamAndCountNothingWithPagingOff() {
        r[2] = 0x4000;
        r[3] = 0x8081_8283;
        Region region = compile(insn(Opcode.SW, 3, 2, 0, 8), insn(Opcode.LW, 4, 2, 0, 8),
                insn(Opcode.LB, 5, 2, 0, 8), insn(Opcode.LBU, 6, 2, 0, 8), insn(Opcode.SB, 3, 2, 0, 13),
                insn(Opcode.LW, 7, 2, 0, 12), insn(Opcode.HLT, 0, 0, 0, 0));

        run(region, 0);

        assertThat(memory.readWord(0x4008)).isEqualTo(0x8081_8283);
        assertThat(r[4]).isEqualTo(0x8081_8283);
        assertThat(r[5]).as("lb sign-extends").isEqualTo(0xFFFF_FF83);
        assertThat(r[6]).as("lbu zero-extends").isEqualTo(0x83);
        assertThat(r[7]).isEqualTo(0x8300);
        assertThat(state.retired).isEqualTo(6);
        assertThat(machine.mmu().tlb().hits()).isZero();
    }

    @Test
    void pushPopCallAndReturnMoveTheStackAsTheInterpreterDoes() {
        r[SP] = 0x5000;
        r[1] = 11;
        // 0: push r1; 4: call → 16; 8: pop r2; 12: hlt; 16: ret
        Region region = compile(insn(Opcode.PUSH, 0, 1, 0, 0), insn(Opcode.CALL, 0, 0, 0, 2),
                insn(Opcode.POP, 2, 0, 0, 0), insn(Opcode.HLT, 0, 0, 0, 0), insn(Opcode.RET, 0, 0, 0, 0));

        int next = run(region, 0);

        assertThat(next).as("ret leaves the region for the address it pops").isEqualTo(BASE + 8);
        assertThat(memory.readWord(0x4FF8)).as("the return address").isEqualTo(BASE + 8);
        assertThat(r[SP]).isEqualTo(0x4FFC);
        assertThat(state.retired).isEqualTo(3);
        assertThat(state.extraCycles).as("call and ret take two cycles").isEqualTo(2);
        Region rest = compiler.compile(memory, BASE + 8, any -> true);
        runAt(rest, BASE + 8, 0, 100);
        assertThat(r[2]).isEqualTo(11);
        assertThat(r[SP]).isEqualTo(0x5000);
    }

    @Test
    void pushingSpPushesItsOldValueAndPoppingSpKeepsTheValuePopped() {
        r[SP] = 0x5000;
        Region region = compile(insn(Opcode.PUSH, 0, SP, 0, 0), insn(Opcode.POP, SP, 0, 0, 0),
                insn(Opcode.HLT, 0, 0, 0, 0));

        run(region, 0);

        assertThat(memory.readWord(0x4FFC)).isEqualTo(0x5000);
        assertThat(r[SP]).as("the value popped, not it plus 4").isEqualTo(0x5000);
    }

    @Test
    void anAccessTheFastPathCannotMakeLeavesTheRegionBeforeIt() {
        r[2] = 0x4002;
        r[3] = 5;
        Region misaligned = compile(insn(Opcode.ADDI, 3, 3, 0, 1), insn(Opcode.MUL, 3, 3, 3, 0),
                insn(Opcode.LW, 4, 2, 0, 0), insn(Opcode.HLT, 0, 0, 0, 0));

        int next = run(misaligned, 0);

        assertThat(state.sideExit).isTrue();
        assertThat(next).isEqualTo(BASE + 8);
        assertThat(state.retired).as("the two before it").isEqualTo(2);
        assertThat(state.extraCycles).isEqualTo(Opcode.MUL.cycles() - 1);
        assertThat(r[3]).isEqualTo(36);

        r[2] = 0x0100_0000;   // beyond RAM: a device's, or a bus error
        Region device = compileAt(BASE + 0x100, insn(Opcode.SW, 3, 2, 0, 0), insn(Opcode.HLT, 0, 0, 0, 0));
        assertThat(run(device, 0)).isEqualTo(BASE + 0x100);
        assertThat(state.sideExit).isTrue();
        assertThat(state.retired).isZero();
    }

    @Test
    void aStoreThatChangesCompiledCodeEndsTheRegionAfterIt() {
        memory.markCode(0x4000 >>> 12);
        memory.addCodeWriteListener(pa -> state.codeChanged = true);   // as the engine's cache does when it drops code
        r[2] = 0x4000;
        Region region = compile(insn(Opcode.ADDI, 3, 3, 0, 1), insn(Opcode.SW, 3, 2, 0, 0),
                insn(Opcode.ADDI, 3, 3, 0, 1), insn(Opcode.HLT, 0, 0, 0, 0));

        state.codeChanged = false;
        int next = run(region, 0);

        assertThat(memory.readWord(0x4000)).as("the store is made, and the caches told").isEqualTo(1);
        assertThat(next).isEqualTo(BASE + 8);
        assertThat(state.retired).isEqualTo(2);
        assertThat(state.sideExit).as("the store retired").isFalse();
        assertThat(r[3]).isEqualTo(1);
    }

    @Test
    void instructionsThatChangeTheRingIfOrPagingOrReachADeviceAreNotCompiled() {
        for (Opcode op : new Opcode[] {Opcode.INT, Opcode.IRET, Opcode.HLT, Opcode.STI, Opcode.CLI, Opcode.POPF,
            Opcode.PUSHF, Opcode.MTCR, Opcode.MFCR, Opcode.INVLPG, Opcode.IN, Opcode.OUT, Opcode.LIDT}) {
            assertThat(RegionShape.handles(op)).as(op.name()).isFalse();
        }
        assertThat(compile(insn(Opcode.INT, 0, 0, 0, 0x30))).as("an empty region is no region").isNull();
    }

    @Test
    void aBlockEndsAtThePageEnd() {
        int pa = 0x3000 - 8;
        Region region = compileAt(pa, insn(Opcode.ADDI, 1, 1, 0, 1), insn(Opcode.ADDI, 1, 1, 0, 1),
                insn(Opcode.ADDI, 1, 1, 0, 1));

        int next = run(region, 0);

        assertThat(region.instructions()).isEqualTo(2);
        assertThat(next).isEqualTo(0x3000);
        assertThat(r[1]).isEqualTo(2);
    }

    @Test
    void aLongStraightLineIsCutIntoChainedBlocks() {
        Instruction[] code = new Instruction[RegionShape.MAX_BLOCK_LENGTH + 5];
        java.util.Arrays.fill(code, insn(Opcode.ADDI, 1, 1, 0, 1));
        code[code.length - 1] = insn(Opcode.HLT, 0, 0, 0, 0);

        Region region = compile(code);
        run(region, 0);

        assertThat(region.entryLength()).isEqualTo(RegionShape.MAX_BLOCK_LENGTH);
        assertThat(region.instructions()).isEqualTo(code.length - 1);
        assertThat(r[1]).isEqualTo(code.length - 1);
    }

    @Test
    void aRegionStopsBeforeTheFirstInstructionNotAdmitted() {
        memory.writeWord(BASE, insn(Opcode.ADDI, 1, 1, 0, 1).encode());
        memory.writeWord(BASE + 4, insn(Opcode.ADDI, 1, 1, 0, 1).encode());

        Region region = compiler.compile(memory, BASE, pa -> pa < BASE + 4);

        assertThat(region.instructions()).isEqualTo(1);
        assertThat(compiler.compile(memory, BASE, pa -> false)).isNull();
    }

    @Test
    void theSameCodeIsCompiledOnceForTheWholeJvm() {
        Instruction[] code = {insn(Opcode.ADDI, 9, 9, 0, 0x1357), insn(Opcode.XORI, 9, 9, 0, 0x2468),
            insn(Opcode.HLT, 0, 0, 0, 0)};
        Region first = compileAt(0x6100, code);
        RegionCompiler another = new RegionCompiler();
        Machine second = new Machine(MachineConfig.builder().memoryBytes(64 << 10).build());
        for (int i = 0; i < code.length; i++) {
            second.memory().writeWord(0x8100 + 4 * i, code[i].encode());
        }

        Region again = another.compile(second.memory(), 0x8100, any -> true);

        assertThat(again.code()).as("same words at the same page offset").isSameAs(first.code());
        assertThat(another.regionsCompiled()).isZero();
    }
}
