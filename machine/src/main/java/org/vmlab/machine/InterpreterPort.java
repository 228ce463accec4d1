package org.vmlab.machine;

import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * What an engine composed over the {@link Interpreter} may see of it and do to it, between two of
 * its runs: a block compiler runs some instructions itself and leaves the rest, and every figure
 * (ticks, fuel, extra cycles), to the interpreter. Nothing here translates an address or runs a
 * device, so reading it changes no counter.
 *
 * <p>The contract for {@link #retire}: the instructions were executed within
 * {@link #straightLineBudget} on the state the interpreter last ran; none of them trapped,
 * touched a device, changed the ring, IF or a paging register, or wrote into a code frame; and
 * each memory access went through {@link Mmu#cachedRamAddress}, which counts its TLB hit.
 */
public final class InterpreterPort {
    private final Interpreter interpreter;
    private final Mmu mmu;

    /** The port of {@code interpreter}, whose machine's MMU is {@code mmu}. */
    public InterpreterPort(Interpreter interpreter, Mmu mmu) {
        this.interpreter = interpreter;
        this.mmu = mmu;
    }

    public Interpreter interpreter() {
        return interpreter;
    }

    /** The machine's RAM, where the code is. */
    public PhysicalMemory memory() {
        return mmu.memory();
    }

    /** The machine's MMU, whose TLB compiled memory accesses go through ({@link Mmu#cachedRamAddress}). */
    public Mmu mmu() {
        return mmu;
    }

    /** The ring {@code state} runs in. */
    public int cpl(CpuState state) {
        return (state.flags & Registers.CPL_MASK) >>> Registers.CPL_SHIFT;
    }

    /**
     * The physical address of {@code state}'s pc if the interpreter holds its page's fetch
     * translation now, else -1 (the interpreter must run it, and translate).
     */
    public int cachedFetchAddress(CpuState state) {
        return interpreter.cachedFetchAddress(state, state.pc);
    }

    /** As above, for {@code pc} (where compiled blocks run in a row have taken the state, not yet retired). */
    public int cachedFetchAddress(CpuState state, int pc) {
        return interpreter.cachedFetchAddress(state, pc);
    }

    /**
     * True if the interpreter has decoded the instruction at physical address {@code pa} (and
     * counted the decode): a compiled block holds only such instructions, so that
     * {@link ExecutionEngine#decodes} reads as the interpreter alone would have counted.
     */
    public boolean decodedAt(int pa) {
        return interpreter.decodedAt(pa);
    }


    /** How many instructions may retire now with nothing else looked at (see {@link Interpreter}). */
    public long straightLineBudget(CpuState state, long fuel, long until) {
        return interpreter.straightLineBudget(state, fuel, until);
    }

    /**
     * The register array of {@code state}, which a compiled block reads and writes in place (r0
     * must stay zero).
     */
    public int[] registers(CpuState state) {
        return state.regs;
    }

    /** FLAGS of {@code state}, as the interpreter left them. */
    public int flags(CpuState state) {
        return state.flags;
    }

    /**
     * Runs the interpreter as {@link Interpreter#run} would, with the pause at
     * {@code devicePause} that a device asked for in an earlier run of it still standing.
     */
    public StopReason run(CpuState state, ExitControls exits, long fuel, long until, long devicePause) {
        return interpreter.run(state, exits, fuel, until, devicePause);
    }

    /**
     * Retires {@code count} instructions executed elsewhere (see the class's contract): pc and
     * FLAGS become {@code pc} and {@code flags}, time moves on by {@code count}, and
     * {@code extraCycles} are added.
     */
    public void retire(CpuState state, long count, long extraCycles, int pc, int flags) {
        interpreter.retired(state, count, extraCycles, pc, flags);
    }
}
