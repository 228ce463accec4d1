package org.vmlab.machine;

import static org.vmlab.machine.isa.Registers.CPL_MASK;
import static org.vmlab.machine.isa.Registers.CPL_SHIFT;
import static org.vmlab.machine.isa.Registers.FLAG_IF;

import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;

/**
 * The processor's architectural state: what an instruction reads and writes, what a trap saves
 * and a monitor inspects, apart from memory. The general registers (r0 reads as zero), pc, FLAGS
 * (condition bits, IF, the ring), the control registers and the interrupt-table base.
 *
 * <p>The paging control registers (cr0, cr3, cr5) are the MMU's, which translates every access
 * with them and flushes its TLB when they change: this state reaches them through the MMU rather
 * than keeping copies that could disagree. cr2 (the fault address) and cr4 (the kernel stack
 * pointer) are held here.
 *
 * <p>An {@link ExecutionEngine} runs this state; between runs, a loader, a test or a monitor reads
 * and writes it through the methods here (during a run, the engine may hold pc and FLAGS in its
 * own hands, and puts them back when it returns). An engine may keep what it derived from the state (the
 * translation of the code page it fetches from) from one run to the next only while
 * {@link #generation()} is unchanged: writing FLAGS or a control register from outside an engine
 * moves it on. The fields are package-private for the engines: the interpreter shares the
 * register array, and takes pc and FLAGS into fields of its own for the length of a run, as a
 * processor loads a guest's state at VM entry and saves it at exit.
 *
 * <p>{@link CpuSnapshot} is the immutable value of this state at one moment ({@link #snapshot},
 * {@link #restore}).
 */
public final class CpuState {
    private final Mmu mmu;

    final int[] regs = new int[Registers.COUNT];
    int pc;
    int flags;
    int cr2;
    int cr4;
    int idtr;
    private long generation;

    /** The state after reset (every register zero: ring 0, interrupts off), paging through {@code mmu}. */
    public CpuState(Mmu mmu) {
        this.mmu = mmu;
    }

    public int register(int n) {
        return regs[n];
    }

    /** Writes general register {@code n}; a write to r0 is ignored, as the hardware ignores it. */
    public void setRegister(int n, int value) {
        if (n != 0) {
            regs[n] = value;
        }
    }

    public int pc() {
        return pc;
    }

    public void setPc(int pc) {
        this.pc = pc;
    }

    public int flags() {
        return flags;
    }

    /** Writes FLAGS, the ring included (for loaders and monitors). */
    public void setFlags(int flags) {
        this.flags = flags;
        generation++;
    }

    /** The current privilege level, held in FLAGS. */
    public int cpl() {
        return (flags & CPL_MASK) >>> CPL_SHIFT;
    }

    public boolean interruptsEnabled() {
        return (flags & FLAG_IF) != 0;
    }

    public int idtr() {
        return idtr;
    }

    /** Sets IDTR, as {@code lidt} would (for loaders and monitors). */
    public void setIdtr(int idtr) {
        this.idtr = idtr;
    }

    /**
     * Reads control register {@code n} as {@code mfcr} would.
     *
     * @throws Fault #GP for a control register that does not exist
     */
    public int controlRegister(int n) {
        return switch (n) {
            case Registers.CR0 -> mmu.cr0();
            case Registers.CR2 -> cr2;
            case Registers.CR3 -> mmu.cr3();
            case Registers.CR4 -> cr4;
            case Registers.CR5 -> mmu.cr5();
            default -> throw new Fault(Vector.GENERAL_PROTECTION, 0);
        };
    }

    /**
     * Writes control register {@code n} as {@code mtcr} would (for loaders and monitors).
     *
     * @throws Fault #GP for a control register that does not exist
     */
    public void setControlRegister(int n, int value) {
        writeControl(n, value);
        generation++;
    }

    /** {@code mtcr} itself: an engine writing a control register as the instruction does. */
    void writeControl(int n, int value) {
        switch (n) {
            case Registers.CR0 -> mmu.setCr0(value);
            case Registers.CR2 -> cr2 = value;
            case Registers.CR3 -> mmu.setCr3(value);
            case Registers.CR4 -> cr4 = value;
            case Registers.CR5 -> mmu.setCr5(value);
            default -> throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
    }

    /**
     * How many times FLAGS or a control register was written from outside an engine: an engine
     * translates its code fetches anew when this has moved since its last run.
     */
    public long generation() {
        return generation;
    }

    /** The state now, as a value. */
    public CpuSnapshot snapshot() {
        return new CpuSnapshot(regs, pc, flags, mmu.cr0(), cr2, mmu.cr3(), cr4, mmu.cr5(), idtr);
    }

    /**
     * Puts the state back to {@code snapshot}: every register, as {@link #setRegister},
     * {@link #setFlags} and {@link #setControlRegister} write them (so the TLB is flushed where
     * writing the paging registers flushes it). Then {@link #snapshot()} equals {@code snapshot}.
     */
    public void restore(CpuSnapshot snapshot) {
        int[] registers = snapshot.registers();
        for (int n = 1; n < Registers.COUNT; n++) {
            regs[n] = registers[n];
        }
        pc = snapshot.pc();
        setFlags(snapshot.flags());
        // cr5 before cr0: turning tagging on takes the tag from cr5.
        setControlRegister(Registers.CR5, snapshot.cr5());
        setControlRegister(Registers.CR0, snapshot.cr0());
        setControlRegister(Registers.CR3, snapshot.cr3());
        setControlRegister(Registers.CR2, snapshot.cr2());
        setControlRegister(Registers.CR4, snapshot.cr4());
        idtr = snapshot.idtr();
    }
}
