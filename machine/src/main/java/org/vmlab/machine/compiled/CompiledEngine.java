package org.vmlab.machine.compiled;

import org.vmlab.machine.CpuState;
import org.vmlab.machine.ExecutionEngine;
import org.vmlab.machine.ExitControls;
import org.vmlab.machine.Interpreter;
import org.vmlab.machine.InterpreterPort;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.Trap;

/**
 * An execution engine that runs hot guest basic blocks as JVM bytecode ({@link BlockCompiler})
 * and everything else through the {@link Interpreter}, the reference it is composed over: every
 * figure (ticks, fuel, traps, counters) is the interpreter's, and a run ends exactly as the
 * interpreter's alone would.
 *
 * <p>It drives the interpreter one block at a time: at each block start it counts a visit of the
 * block's physical address; a hot block runs compiled if it fits in what the interpreter calls its
 * straight-line budget (the instructions before it would next look at a device event, an
 * interrupt, an STI shadow's end, or the pause at the fuel's end or {@code until}), else the
 * interpreter runs as many instructions as the block holds (at least one) and stops, as a run
 * paused at {@code until} stops and goes on exactly. A compiled block holds no instruction that
 * can trap, so traps, interrupts and device events all happen in the interpreter, at their exact
 * instruction. With the vt feature every run is the interpreter's alone.
 */
public final class CompiledEngine implements ExecutionEngine {
    /** Visits of a block start before it is compiled (an estimate: enough to skip code run once). */
    public static final int DEFAULT_THRESHOLD = 16;

    // Instructions run in one row of compiled blocks at most, so the count of a row fits an int.
    private static final int CHAIN_LIMIT = 1 << 24;

    private final Interpreter interpreter;
    private final InterpreterPort port;
    private final BlockCompiler compiler = new BlockCompiler();
    private final BlockCache cache;
    private long devicePause = Long.MAX_VALUE;   // pauseBy's, for the run under way
    private long compiledInstructions;

    /** Over the interpreter behind {@code port}, compiling a block at its {@code threshold}th visit. */
    public CompiledEngine(InterpreterPort port, int threshold) {
        this.port = port;
        this.interpreter = port.interpreter();
        this.cache = new BlockCache(port.memory(), compiler, threshold);
    }

    /** Over the interpreter behind {@code port}, with {@link #DEFAULT_THRESHOLD}. */
    public CompiledEngine(InterpreterPort port) {
        this(port, DEFAULT_THRESHOLD);
    }

    @Override
    public StopReason run(CpuState state, ExitControls exits, long fuel, long until) {
        if (!port.composable()) {
            return interpreter.run(state, exits, fuel, until);
        }
        devicePause = Long.MAX_VALUE;
        while (true) {
            long end = Math.min(Math.min(fuel, until), devicePause);
            long done = interpreter.instructions();
            if (done >= end) {
                return interpreter.run(state, exits, fuel, end);   // pauses at once, as it would itself
            }
            int pa = port.cachedFetchAddress(state);
            long steps = 1;
            if (pa >= 0) {
                BlockCache.Entry entry = cache.visit(pa, port::decodedAt);
                Block block = entry.block;
                if (block != null) {
                    long budget = port.straightLineBudget(state, fuel, end);
                    if (budget >= block.length()) {
                        runCompiled(state, block, budget);
                        continue;
                    }
                }
                steps = Math.max(entry.span, 1);
            }
            long pause = Math.min(end, done + steps);
            StopReason reason = interpreter.run(state, exits, fuel, pause);
            // It paused where asked only if it retired exactly that many: it checks the pause
            // before anything else. Short of it, the run ended (a pause a device asked for, or
            // traps in a row that spent the fuel): this run ends there too.
            boolean pausedWhereAsked = reason == StopReason.FUEL_EXHAUSTED && interpreter.instructions() == pause;
            if (!pausedWhereAsked || pause >= Math.min(Math.min(fuel, until), devicePause)) {
                return reason;
            }
        }
    }

    /**
     * Runs {@code block}, then the compiled blocks it leads to, in a row while they fit in
     * {@code budget}; then retires them all at once. The budget holds all along: compiled blocks
     * touch no device and change neither IF nor the fetch translations, so only their length
     * spends it.
     */
    private void runCompiled(CpuState state, Block block, long budget) {
        int[] registers = port.registers(state);
        int pc = state.pc();
        int flags = port.flags(state);
        int retired = 0;
        long extra = 0;
        do {
            long result = block.code().execute(registers, flags, pc);
            pc = CompiledBlock.nextPc(result);
            flags = CompiledBlock.flags(result);
            retired += block.length();
            extra += block.extraCycles();
            budget -= block.length();
            int pa = port.cachedFetchAddress(state, pc);
            block = pa < 0 ? null : cache.compiled(pa);
        } while (block != null && block.length() <= budget && retired < CHAIN_LIMIT);
        port.retire(state, retired, extra, pc, flags);
        compiledInstructions += retired;
    }

    /** The interpreter pauses itself within its own run; a later block of this run must not pass the pause either. */
    @Override
    public void pauseBy(long until) {
        devicePause = Math.min(devicePause, Math.max(until, interpreter.instructions()));
        interpreter.pauseBy(until);
    }

    /** Instructions retired in compiled blocks (a part of {@link #instructions}). */
    public long compiledInstructions() {
        return compiledInstructions;
    }

    /** Blocks compiled so far. */
    public long blocksCompiled() {
        return compiler.blocksCompiled();
    }

    /** Frames whose compiled blocks a write into their code dropped. */
    public long invalidations() {
        return cache.invalidations();
    }

    @Override
    public String stopDetail() {
        return interpreter.stopDetail();
    }

    @Override
    public Trap lastTrap() {
        return interpreter.lastTrap();
    }

    @Override
    public long instructions() {
        return interpreter.instructions();
    }

    @Override
    public long ticks() {
        return interpreter.ticks();
    }

    @Override
    public long vectorCount(int vector) {
        return interpreter.vectorCount(vector);
    }

    @Override
    public long extraCycles() {
        return interpreter.extraCycles();
    }

    @Override
    public long portAccesses() {
        return interpreter.portAccesses();
    }

    @Override
    public long interruptReturns() {
        return interpreter.interruptReturns();
    }

    @Override
    public long decodes() {
        return interpreter.decodes();
    }
}
