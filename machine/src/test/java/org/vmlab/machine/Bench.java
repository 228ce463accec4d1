package org.vmlab.machine;

import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;

/**
 * A test bench: a bare machine whose interrupt table sends every vector to a tiny handler that
 * records the vector in r13 and stops the machine, so a test can run a few instructions and see
 * exactly which trap, if any, they raised.
 *
 * <p>Layout (physical, paging off unless a test turns it on): interrupt table at 0x0000, the
 * handlers at 0x0800 + 8*v, kernel stack top at 0x9000 (also cr4), the test's code at 0x1000,
 * a user stack top at 0x7000, data at 0x4000.
 */
final class Bench {
    static final int IDT = 0x0000;
    static final int HANDLERS = 0x0800;
    static final int CODE = 0x1000;
    static final int DATA = 0x4000;
    static final int USER_STACK = 0x7000;
    static final int KERNEL_STACK = 0x9000;
    /** What r13 holds after vector v's handler ran: v + TRAPPED. */
    static final int TRAPPED = 1000;

    final Machine machine;
    private int next = CODE;

    Bench(IsaVariant isa) {
        this(MachineConfig.builder().isa(isa).memoryBytes(1 << 20).fuel(1_000_000).build());
    }

    Bench(MachineConfig config) {
        machine = new Machine(config);
        for (int v = 0; v < Vector.COUNT; v++) {
            int handler = HANDLERS + 8 * v;
            machine.loadWords(IDT + 4 * v, handler | 3);
            machine.loadWords(handler, i(Opcode.ADDI, 13, 0, 0, v + TRAPPED), i(Opcode.HLT));
        }
        cpu().setIdtr(IDT);
        cpu().setControlRegister(Registers.CR4, KERNEL_STACK);
        cpu().setRegister(Registers.SP, KERNEL_STACK);
        cpu().setPc(CODE);
    }

    static Bench classic() {
        return new Bench(IsaVariant.CLASSIC);
    }

    static Bench legacy() {
        return new Bench(IsaVariant.LEGACY);
    }

    /** An instruction word from its fields (unused fields 0). */
    static int i(Opcode op, int ra, int rb, int rc, int imm) {
        return new Instruction(op, ra, rb, rc, imm).encode();
    }

    static int i(Opcode op) {
        return i(op, 0, 0, 0, 0);
    }

    /** {@code op rd, rs1, rs2} */
    static int rrr(Opcode op, int rd, int rs1, int rs2) {
        return i(op, rd, rs1, rs2, 0);
    }

    /** {@code op rd, rs, imm} */
    static int rri(Opcode op, int rd, int rs, int imm) {
        return i(op, rd, rs, 0, imm);
    }

    /** A branch at {@code from} to {@code to}. */
    static int branch(Opcode op, int from, int to) {
        return i(op, 0, 0, 0, (to - from - 4) >> 2);
    }

    /** Appends code at the next free code address; returns the address of the first word. */
    int code(int... words) {
        int at = next;
        machine.loadWords(at, words);
        next += 4 * words.length;
        return at;
    }

    /**
     * Assembles {@code source} and loads it (pc at its entry). The source should place itself
     * with {@code .org}, away from the interrupt table and handlers in the first page.
     */
    Bench asm(String source) {
        try {
            machine.load(Assembler.assembleSource(source));
        } catch (AssemblyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return this;
    }

    /** Where {@link #paging} puts the page directory, and its page tables after it. */
    static final int PAGE_DIRECTORY = 0x20000;
    /** The end of what {@link #paging} identity-maps for the supervisor. */
    static final int IDENTITY_END = 0x30000;

    /**
     * Turns paging on with page tables that identity-map the bench's low memory and the page
     * tables themselves ({@code [0, IDENTITY_END)}), supervisor read-write, and returns them for
     * the test to map more.
     */
    PageTables paging() {
        PageTables tables = new PageTables(machine.memory(), PAGE_DIRECTORY, PAGE_DIRECTORY + 0x1000);
        tables.identity(0, IDENTITY_END, Pte.PRESENT | Pte.WRITABLE);
        cpu().setControlRegister(Registers.CR3, tables.directory);
        cpu().setControlRegister(Registers.CR0, Registers.CR0_PG);
        return tables;
    }

    /** The address the next {@link #code} call will write to. */
    int here() {
        return next;
    }

    Bench reg(int n, int value) {
        cpu().setRegister(n, value);
        return this;
    }

    /** Starts the code in ring {@code ring} (sp = the user stack outside ring 0). */
    Bench ring(int ring) {
        cpu().setFlags((cpu().flags() & ~Registers.CPL_MASK) | ring << Registers.CPL_SHIFT);
        if (ring > 0) {
            cpu().setRegister(Registers.SP, USER_STACK);
        }
        return this;
    }

    RunResult run() {
        return machine.run();
    }

    Cpu cpu() {
        return machine.cpu();
    }

    int r(int n) {
        return cpu().register(n);
    }

    /** The vector whose handler ran, or -1 if none did. */
    int trappedVector() {
        return r(13) >= TRAPPED ? r(13) - TRAPPED : -1;
    }

    int word(int pa) {
        return machine.memory().readWord(pa);
    }

    /** The trap frame the handler found: error code, pc, FLAGS, old sp. */
    int[] trapFrame() {
        int sp = r(Registers.SP);
        return new int[] {word(sp), word(sp + 4), word(sp + 8), word(sp + 12)};
    }
}
