package org.vmlab.machine.compiled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmlab.asm.Disassembler;
import org.vmlab.machine.Cpu;
import org.vmlab.machine.EngineFactory;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Pte;

/**
 * The compiled engine is the interpreter, observably: random programs (straight lines and loops
 * of arithmetic, compares and branches, with loads and stores of words and bytes, aligned or not,
 * into data, a read-only page, devices and their own code, pushes, pops, calls and returns,
 * divisions that trap, system instructions, a timer that interrupts, ring 0 or 3) run on both,
 * paused at random points, give equal results at every pause: stop reason and detail, registers,
 * pc and FLAGS, memory digest, device observables, instructions, ticks, cycles and every counter.
 * A difference is reported at the first instruction where the two runs part.
 */
class EngineDifferentialProperties {
    private static final int MEMORY = 64 << 10;
    private static final int CODE = 0x1000;
    private static final int DATA = 0x4000;
    private static final int IDT = 0x6000;
    private static final int HANDLER = 0x7000;
    /** A page mapped read-only when paging is on. */
    private static final int READ_ONLY = 0x5000;

    /** A program and how to run it; the same seed makes the same machine. */
    record Program(long seed, int length, long fuel, int threshold, boolean ring3, int timer, int[] pauses,
                   boolean paging, boolean quiet) {
        @Override
        public String toString() {
            return String.format("seed %d, %d instructions, fuel %d, threshold %d, %s, timer %d, %d pauses%s",
                    seed, length, fuel, threshold, ring3 ? "ring 3" : "ring 0", timer, pauses.length,
                    paging ? ", code run at 0x" + Integer.toHexString(ALIAS + CODE) : "");
        }
    }

    /** Where paging maps RAM a second time (identity below): code runs there, away from its frames. */
    private static final int ALIAS = 0x0040_0000;

    @Property(tries = 400, seed = "16")
    void theCompiledEngineRunsEveryProgramAsTheInterpreter(@ForAll("programs") Program program) {
        Machine reference = machine(program, EngineFactory.INTERPRETER);
        Machine compiled = machine(program, port -> new CompiledEngine(port, program.threshold()));
        for (long until : program.pauses()) {
            RunResult expected = run(reference, program.fuel(), until);
            RunResult actual = run(compiled, program.fuel(), until);
            if (!expected.equals(actual)) {
                fail(firstDifference(program) + "\n interpreter: " + expected + "\n compiled:    " + actual);
            }
            if (expected.stopReason() != StopReason.FUEL_EXHAUSTED) {
                return;
            }
        }
    }

    @Property(tries = 50, seed = "1616")
    void loopsRunMostlyCompiled(@ForAll("loops") Program program) {
        Machine reference = machine(program, EngineFactory.INTERPRETER);
        Machine compiled = machine(program, port -> new CompiledEngine(port, program.threshold()));

        RunResult expected = run(reference, program.fuel(), program.fuel());
        RunResult actual = run(compiled, program.fuel(), program.fuel());

        assertThat(actual).isEqualTo(expected);
        CompiledEngine engine = (CompiledEngine) compiled.cpu().engine();
        assertThat(engine.compiledInstructions()).as(program.toString())
                .isGreaterThan(expected.instructions() / 2);
    }

    private static RunResult run(Machine m, long fuel, long until) {
        Cpu cpu = m.cpu();
        StopReason reason = cpu.run(fuel, until);
        return new RunResult(reason, cpu.stopDetail(), m.observables(), cpu.instructions(), cpu.ticks(),
                m.cycles(), m.counters());
    }

    /** Steps both engines one instruction at a time from the start, to the first that differs. */
    private static String firstDifference(Program program) {
        Machine reference = machine(program, EngineFactory.INTERPRETER);
        Machine compiled = machine(program, port -> new CompiledEngine(port, program.threshold()));
        Disassembler disassembler = new Disassembler();
        for (long step = 1; step <= program.fuel(); step++) {
            int pc = reference.cpu().pc();
            RunResult expected = run(reference, program.fuel(), step);
            RunResult actual = run(compiled, program.fuel(), step);
            if (!expected.equals(actual)) {
                int word;
                try {
                    word = reference.mmu().readWord(pc, 0);   // through paging, after the runs: counts nothing compared
                } catch (RuntimeException unmapped) {
                    word = 0;
                }
                return String.format("%s: the engines part at instruction %d, pc=0x%08x (%s)", program, step, pc,
                        disassembler.disassemble(word, pc));
            }
            if (expected.stopReason() != StopReason.FUEL_EXHAUSTED) {
                break;
            }
        }
        return program + ": the engines part only when run in the property's pauses";
    }

    @Provide
    Arbitrary<Program> programs() {
        return Arbitraries.randomValue(random -> program(random, false));
    }

    @Provide
    Arbitrary<Program> loops() {
        return Arbitraries.randomValue(random -> program(random, true));
    }

    private static Program program(Random random, boolean quiet) {
        long fuel = (quiet ? 2_000 : 100) + random.nextInt(quiet ? 20_000 : 5_000);
        int pauses = quiet ? 0 : random.nextInt(6);
        int[] at = new int[pauses + 1];
        for (int i = 0; i < pauses; i++) {
            at[i] = 1 + random.nextInt((int) fuel);
        }
        at[pauses] = (int) fuel;
        java.util.Arrays.sort(at);
        boolean ring3 = !quiet && random.nextInt(4) == 0;
        int timer = quiet || random.nextBoolean() ? 0 : 1 + random.nextInt(200);
        return new Program(random.nextLong(), 4 + random.nextInt(quiet ? 12 : 120), fuel,
                1 + random.nextInt(3), ring3, timer, at, random.nextBoolean(), quiet);
    }

    /**
     * A load or store: of a word or a byte of the data page (now and then misaligned, or of the
     * read-only page), at a register plus an offset (often far out of RAM, into devices or
     * unmapped pages), or of the stack (push, pop, call, ret). {@code quiet}: only aligned
     * accesses to the data page, which never fault.
     */
    private static Instruction memoryAccess(Random random, int a, int b, int length, int i, boolean quiet) {
        int word = DATA + 4 * random.nextInt(256);
        if (quiet) {
            Opcode[] ops = {Opcode.LW, Opcode.SW, Opcode.LB, Opcode.LBU, Opcode.SB};
            Opcode op = ops[random.nextInt(ops.length)];
            return new Instruction(op, a, 0, 0, op == Opcode.LW || op == Opcode.SW ? word : word + random.nextInt(4));
        }
        switch (random.nextInt(8)) {
            case 0:
                return new Instruction(random.nextBoolean() ? Opcode.LW : Opcode.SW, a, 0, 0, word + random.nextInt(4));
            case 1:
                return new Instruction(random.nextBoolean() ? Opcode.LB : Opcode.SB, a, 0, 0, word + random.nextInt(4));
            case 2:
                return new Instruction(Opcode.LBU, a, 0, 0, word + random.nextInt(4));
            case 3:
                return new Instruction(random.nextBoolean() ? Opcode.LW : Opcode.SW, a, b, 0,
                        (random.nextBoolean() ? READ_ONLY : DATA) + 4 * random.nextInt(64));
            case 4:   // now and then sp itself: the value pushed is sp before the push
                return new Instruction(Opcode.PUSH, 0, random.nextInt(6) == 0 ? Registers.SP : b, 0, 0);
            case 5:   // pop sp leaves the value popped
                return new Instruction(Opcode.POP, random.nextInt(6) == 0 ? Registers.SP : a, 0, 0, 0);
            case 6:
                return new Instruction(Opcode.CALL, 0, 0, 0, random.nextInt(length + 1) - i - 1);
            default:
                return random.nextBoolean() ? new Instruction(Opcode.RET, 0, 0, 0, 0)
                        : new Instruction(random.nextBoolean() ? Opcode.LW : Opcode.SW, a, 0, 0, word);
        }
    }

    /** A fresh machine with {@code program} loaded, run by the engine {@code engine} makes. */
    private static Machine machine(Program program, EngineFactory engine) {
        Machine m = new Machine(MachineConfig.builder().memoryBytes(MEMORY).fuel(program.fuel())
                .engine(engine).build());
        Random random = new Random(program.seed());
        for (int i = 0; i < program.length(); i++) {
            m.memory().writeWord(CODE + 4 * i, instruction(random, program.length(), i, program.quiet()).encode());
        }
        // the last instruction loops back to the start: the program runs until its fuel is spent
        m.memory().writeWord(CODE + 4 * program.length(),
                new Instruction(Opcode.JMP, 0, 0, 0, -program.length() - 1).encode());
        for (int v = 0; v < 256; v++) {
            m.memory().writeWord(IDT + 4 * v, HANDLER | 3);   // every vector to the handler, open to ring 3
        }
        int[] handler = {   // acknowledge the interrupt controller, return
            new Instruction(Opcode.PUSH, 0, 1, 0, 0).encode(),
            new Instruction(Opcode.ORI, 1, 0, 0, 0x20).encode(),
            new Instruction(Opcode.OUT, 0, 1, 0, 0x20).encode(),
            new Instruction(Opcode.POP, 1, 0, 0, 0).encode(),
            new Instruction(Opcode.IRET, 0, 0, 0, 0).encode(),
        };
        m.loadWords(HANDLER, handler);
        Cpu cpu = m.cpu();
        for (int n = 1; n < Registers.SP; n++) {
            cpu.setRegister(n, random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(64));
        }
        cpu.setRegister(Registers.SP, 0xE000);
        cpu.setControlRegister(Registers.CR4, 0xF000);
        cpu.setIdtr(IDT);
        cpu.setPc(CODE);
        if (program.paging()) {
            mapTwice(m);
            cpu.setPc(ALIAS + CODE);
        }
        int flags = program.ring3() ? 3 << Registers.CPL_SHIFT : 0;
        if (program.timer() > 0) {
            flags |= Registers.FLAG_IF;
            m.devices().timer().program(program.timer());
        }
        cpu.setFlags(flags);
        return m;
    }

    /** Paging on: RAM identity-mapped, and mapped again at {@link #ALIAS}. */
    private static void mapTwice(Machine m) {
        int directory = 0xA000;
        int identity = 0xB000;
        int alias = 0xC000;
        int flags = Pte.PRESENT | Pte.WRITABLE | Pte.USER;
        m.memory().writeWord(directory, Pte.entry(identity, flags));
        m.memory().writeWord(directory + 4 * (ALIAS >>> 22), Pte.entry(alias, flags));
        for (int page = 0; page < MEMORY / 4096; page++) {
            int identityFlags = page == READ_ONLY >>> 12 ? flags & ~Pte.WRITABLE : flags;
            m.memory().writeWord(identity + 4 * page, Pte.entry(page << 12, identityFlags));
            m.memory().writeWord(alias + 4 * page, Pte.entry(page << 12, flags));
        }
        m.cpu().setControlRegister(Registers.CR3, directory);
        m.cpu().setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_WP);   // ring 0 honours read-only too
    }

    /**
     * One random instruction at index {@code i} of a program of {@code length}; {@code quiet}: only
     * instructions a block may hold (a loop that runs mostly compiled, once hot).
     */
    private static Instruction instruction(Random random, int length, int i, boolean quiet) {
        int a = random.nextInt(Registers.SP);   // r14 (sp) is left to the interrupts
        int b = random.nextInt(Registers.SP);
        int c = random.nextInt(Registers.SP);
        int kind = random.nextInt(100);
        if (kind < 30) {
            Opcode[] ops = {Opcode.ADD, Opcode.SUB, Opcode.AND, Opcode.OR, Opcode.XOR, Opcode.SHL,
                Opcode.SHR, Opcode.SAR, Opcode.MUL, Opcode.MOV};
            return new Instruction(ops[random.nextInt(ops.length)], a, b, c, 0);
        }
        if (kind < 55) {
            Opcode[] ops = {Opcode.ADDI, Opcode.ANDI, Opcode.ORI, Opcode.XORI, Opcode.SHLI, Opcode.SHRI,
                Opcode.SARI, Opcode.LUI, Opcode.MULI};
            Opcode op = ops[random.nextInt(ops.length)];
            int imm = op == Opcode.ADDI || op == Opcode.MULI ? (short) random.nextInt() : random.nextInt(0x10000);
            return new Instruction(op, a, b, 0, imm);
        }
        if (kind < 65) {
            return switch (random.nextInt(3)) {
                case 0 -> new Instruction(Opcode.CMP, 0, b, c, 0);
                case 1 -> new Instruction(Opcode.CMPI, 0, b, 0, random.nextInt(64) - 16);
                default -> new Instruction(Opcode.TST, 0, b, c, 0);
            };
        }
        if (kind < 82) {
            Opcode[] ops = {Opcode.BEQ, Opcode.BNE, Opcode.BLT, Opcode.BGE, Opcode.BLE, Opcode.BGT,
                Opcode.BLTU, Opcode.BGEU, Opcode.JMP};
            int target = random.nextInt(length + 1);   // anywhere in the program, or its closing jump
            return new Instruction(ops[random.nextInt(ops.length)], 0, 0, 0, target - i - 1);
        }
        if (quiet || kind < 90) {
            return memoryAccess(random, a, b, length, i, quiet);
        }
        return switch (random.nextInt(7)) {
            case 0 -> {   // self-modifying: anywhere, or just ahead, where the change is run at once
                int word = random.nextBoolean() ? random.nextInt(length) : Math.min(i + 1 + random.nextInt(3), length - 1);
                yield new Instruction(Opcode.SW, a, 0, 0, CODE + 4 * word);
            }
            case 1 -> {   // #DE when rc is zero
                Opcode[] ops = {Opcode.DIV, Opcode.DIVU, Opcode.REM, Opcode.REMU};
                yield new Instruction(ops[random.nextInt(ops.length)], a, b, c, 0);
            }
            case 2 -> new Instruction(Opcode.NOP, 0, 0, 0, 0);
            case 3 -> new Instruction(random.nextBoolean() ? Opcode.CLI : Opcode.STI, 0, 0, 0, 0);
            case 4 -> random.nextBoolean()
                    ? new Instruction(Opcode.JR, 0, b, 0, 0)           // most likely #GP or off into memory
                    : new Instruction(Opcode.CALLR, 0, b, 0, 0);
            case 5 -> new Instruction(Opcode.SB, a, 0, 0, CODE + random.nextInt(4 * length));
            default -> new Instruction(Opcode.INT, 0, 0, 0, 0x30 + random.nextInt(4));
        };
    }
}
