package org.vmlab.machine.compiled;

import java.util.function.IntPredicate;
import org.vmlab.machine.CpuState;
import org.vmlab.machine.ExecutionEngine;
import org.vmlab.machine.ExitControls;
import org.vmlab.machine.Interpreter;
import org.vmlab.machine.InterpreterPort;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.Trap;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * An execution engine that runs hot guest code as JVM bytecode ({@link RegionCompiler}) and
 * everything else through the {@link Interpreter}, the reference it is composed over: every
 * figure (ticks, fuel, traps, counters) is the interpreter's, and a run ends exactly as the
 * interpreter's alone would.
 *
 * <p>It drives the interpreter one basic block at a time: at each block start it counts a visit
 * of the block's physical address; a hot address's region runs compiled if its entry block fits
 * in what the interpreter calls its straight-line budget (the instructions before it would next
 * look at a device event, an interrupt, an STI shadow's end, or the pause at the fuel's end or
 * {@code until}), else the interpreter runs as many instructions as the block holds (at least
 * one) and stops, as a run paused at {@code until} stops and goes on exactly. Compiled code holds
 * no instruction that can change the ring, IF, the paging registers or a device, and makes a
 * memory access only through a TLB hit to RAM; anything else it leaves to the interpreter, which
 * runs that one instruction next. So traps, interrupts and device events all happen in the
 * interpreter, at their exact instruction. So do VM entries and exits, with the vt feature:
 * a guest in non-root mode runs compiled between them as any code does, the budget ending
 * before the preemption timer or an interrupt would exit.
 */
public final class CompiledEngine implements ExecutionEngine {
    /**
     * Visits of an address before its region is compiled. Measured (docs/architecture.md): a
     * region the JVM runs only a few hundred times costs more to define and warm up than it
     * saves, so a fresh test JVM running short guests is fastest with 128 to 1024, and 16 was
     * the slowest tried.
     */
    public static final int DEFAULT_THRESHOLD = 128;

    // Instructions one region's run may retire at most, so its counts fit an int.
    private static final int RUN_LIMIT = 1 << 24;

    private final Interpreter interpreter;
    private final InterpreterPort port;
    private final RegionCompiler compiler = new RegionCompiler();
    private final RegionCache cache;
    private final RegionRun regionRun;
    private final IntPredicate decoded;
    private long devicePause = Long.MAX_VALUE;   // pauseBy's, for the run under way
    private long compiledInstructions;
    private long sideExits;
    private long regionRuns;

    /** Over the interpreter behind {@code port}, compiling a region at its {@code threshold}th visit. */
    public CompiledEngine(InterpreterPort port, int threshold) {
        this.port = port;
        this.interpreter = port.interpreter();
        this.regionRun = new RegionRun(port.mmu(), port.memory());
        this.cache = new RegionCache(port.memory(), compiler, threshold, regionRun);
        this.decoded = port::decodedAt;
    }

    /** Over the interpreter behind {@code port}, with {@link #DEFAULT_THRESHOLD}. */
    public CompiledEngine(InterpreterPort port) {
        this(port, DEFAULT_THRESHOLD);
    }

    @Override
    public StopReason run(CpuState state, ExitControls exits, long fuel, long until) {
        devicePause = Long.MAX_VALUE;
        boolean interpretNext = false;   // after a side exit: the instruction compiled code left
        while (true) {
            long end = Math.min(Math.min(fuel, until), devicePause);
            long done = interpreter.instructions();
            if (done >= end) {
                // pauses at once, as it would itself; at a device's pause, as at its own (in
                // non-root mode that is a preemption-timer exit)
                return port.run(state, exits, fuel, until, devicePause);
            }
            int pa = port.cachedFetchAddress(state);
            long steps = 1;
            if (pa >= 0 && !interpretNext) {
                RegionCache.Entry entry = cache.visit(pa, decoded);
                Region region = entry.region;
                if (region != null) {
                    long budget = port.straightLineBudget(state, fuel, end);
                    if (budget >= region.entryLength()) {
                        interpretNext = runCompiled(state, region, budget);
                        continue;
                    }
                }
                steps = Math.max(entry.span, 1);
            }
            interpretNext = false;
            long pause = Math.min(end, done + steps);
            StopReason reason = port.run(state, exits, fuel, pause, devicePause);
            // It paused where asked only if it retired exactly that many: it checks the pause
            // before anything else. Short of it, the run ended (a pause a device asked for, or
            // traps in a row that spent the fuel): this run ends there too.
            // At a device's pause the next turn runs the interpreter there, which ends the run as
            // its own would have (in non-root mode, with a VM exit).
            boolean pausedWhereAsked = reason == StopReason.FUEL_EXHAUSTED && interpreter.instructions() == pause;
            if (!pausedWhereAsked || pause >= Math.min(fuel, until)) {
                return reason;
            }
        }
    }

    /**
     * Runs {@code region}, then the compiled regions it leads to, in a row while their entry
     * blocks fit in {@code budget}; then retires them all at once. The budget holds all along:
     * compiled code touches no device and changes neither IF nor the translations.
     *
     * @return true if the last region stopped before an instruction it leaves to the interpreter
     */
    private boolean runCompiled(CpuState state, Region region, long budget) {
        RegionRun r = regionRun;
        r.registers = port.registers(state);
        r.flags = port.flags(state);
        r.cpl = port.cpl(state);
        int pc = state.pc();
        long retired = 0;
        long extra = 0;
        do {
            r.pageBase = pc - (region.address() & (PhysicalMemory.PAGE_SIZE - 1));
            r.budget = (int) Math.min(budget, RUN_LIMIT);
            r.codeChanged = false;
            pc = region.code().run(r);
            regionRuns++;
            retired += r.retired;
            extra += r.extraCycles;
            budget -= r.retired;
            if (r.sideExit) {
                sideExits++;
                break;
            }
            int pa = port.cachedFetchAddress(state, pc);
            region = pa < 0 ? null : cache.compiled(pa);
        } while (region != null && region.entryLength() <= budget);
        port.retire(state, retired, extra, pc, r.flags);
        compiledInstructions += retired;
        return r.sideExit;
    }

    /** The interpreter pauses itself within its own run; a later block of this run must not pass the pause either. */
    @Override
    public void pauseBy(long until) {
        devicePause = Math.min(devicePause, Math.max(until, interpreter.instructions()));
        interpreter.pauseBy(until);
    }

    /** Instructions retired in compiled code (a part of {@link #instructions}). */
    public long compiledInstructions() {
        return compiledInstructions;
    }

    /** Regions this engine generated code for (not those it found compiled by another machine). */
    public long regionsCompiled() {
        return compiler.regionsCompiled();
    }

    /** Calls of compiled regions so far (each runs one region's blocks, as long as the budget lets it). */
    public long regionRuns() {
        return regionRuns;
    }

    /** Times compiled code stopped before an instruction it left to the interpreter. */
    public long sideExits() {
        return sideExits;
    }

    /** Frames whose compiled regions a write into their code dropped. */
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
