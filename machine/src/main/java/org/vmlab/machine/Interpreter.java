package org.vmlab.machine;

import static org.vmlab.machine.isa.Registers.CONDITION_BITS;
import static org.vmlab.machine.isa.Registers.CPL_MASK;
import static org.vmlab.machine.isa.Registers.CPL_SHIFT;
import static org.vmlab.machine.isa.Registers.FLAG_C;
import static org.vmlab.machine.isa.Registers.FLAG_IF;
import static org.vmlab.machine.isa.Registers.FLAG_N;
import static org.vmlab.machine.isa.Registers.FLAG_V;
import static org.vmlab.machine.isa.Registers.FLAG_Z;
import static org.vmlab.machine.isa.Registers.SP;

import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.device.IoBus;
import org.vmlab.machine.isa.ConditionCodes;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.NestedPageViolation;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.TwoDimensionalWalk;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmEntryCheck;
import org.vmlab.machine.vt.VmxControls;

/**
 * The reference execution engine: an interpreter of the {@link CpuState} on one machine.
 *
 * <p>It runs in two loops. The inner loop ({@link #execute}) fetches decoded instructions from
 * the current code page and executes arithmetic, memory and branch instructions with nothing else
 * to check but one comparison against a precomputed boundary: the tick of the next device event
 * or of the end of the fuel. System instructions, faults and reaching the boundary return to the
 * outer loop ({@link #run}), which runs due device events, delivers interrupts, idles in
 * {@code hlt} and stops the run. So interrupts arrive at exact, repeatable instructions while the
 * common path stays short.
 *
 * <p>With the {@code vt} feature it also runs guests in non-root mode (docs/isa.md,
 * "Hardware-assisted virtualization"). Non-root code runs the same inner loop: what may exit is
 * looked at only on the slow paths (system instructions, faults, the outer loop's interrupts and
 * time), and {@link VmxOperation} says what exits.
 */
public final class Interpreter implements ExecutionEngine {
    private final Mmu mmu;
    private final IoBus io;
    private final InterruptController pic;
    private final Clock clock;
    private final DecodedCache decoded;
    private final boolean[] trapsOutsideRing0 = new boolean[Opcode.values().length];
    private static final int MULTIPLY_EXTRA = Opcode.MUL.cycles() - 1;
    private static final int CALL_EXTRA = Opcode.CALL.cycles() - 1;

    // The run: what it runs, and which traps leave it.
    private CpuState state;
    private long generation;
    private ExitControls exits = ExitControls.NONE;
    // The monitor's controls: in non-root mode the VMCS's controls say what exits, and these wait.
    private ExitControls rootExits = ExitControls.NONE;
    private final VmxOperation vmx;   // null without the vt feature
    private long pause;   // the run pauses once this many instructions have retired in all
    private boolean pausedByDevice;   // pause was lowered by pauseBy, from a device access
    private long runPause;            // the pause the run began with, before any pauseBy
    // The state's registers, pc and FLAGS, taken from it when a run begins and put back when it
    // ends (as a processor loads and saves a guest's state at VM entry and exit): the loops then
    // work on fields of their own, as fast as if the state had never left the interpreter.
    private int[] regs;
    private int pc;
    private int flags;

    // Execution state.
    private long ticks;
    private long idleTicks;
    private boolean waiting;
    private long eventsWaited;
    private long fuel;
    // Traps delivered since an instruction last retired (when instructions() was retiredAtLastTrap).
    private long trapsInARow;
    private long retiredAtLastTrap = -1;
    private long interruptsBlockedUntil;
    private StopReason stopReason;
    private String stopDetail = "";
    private long instructionsAtStop;
    // The virtual address of the current code page, or NO_CODE_PAGE when the next fetch must
    // translate: the inner loop compares pc & ~0xFFC with it, so that another page and a pc off
    // the word grid both miss it (the address has its two low bits 0; NO_CODE_PAGE has bits 2 to
    // 11 set, which pc & ~0xFFC never has).
    private static final int NO_CODE_PAGE = -1;
    private int codePageAddress = NO_CODE_PAGE;
    // Set when a load or store reached a device register: the device may have raised a line, so
    // the inner loop must end after this instruction and let the outer loop look at interrupts.
    private boolean deviceAccessed;
    private Trap lastTrap;
    private DecodedCache.Page codePage;
    // The words of codePage, which the inner loop reads without going through the page.
    private int[] codeWords;
    // Pages recently fetched from, by virtual page: a loop that straddles a page boundary must not
    // translate on every crossing. Emptied whenever any translation changes, so it is never stale.
    private static final int FETCH_WAYS = 8;
    private final int[] fetchVpns = new int[FETCH_WAYS];
    private final DecodedCache.Page[] fetchPages = new DecodedCache.Page[FETCH_WAYS];

    // Statistics.
    private final long[] vectorCounts = new long[Vector.COUNT];
    private long extraCycles;
    private long portAccesses;
    private long interruptReturns;

    /**
     * An interpreter of {@code isa} on a machine's MMU, buses, interrupt controller and clock. It
     * takes the MMU's callbacks (a changed translation, a device access): one engine per MMU.
     */
    public Interpreter(IsaVariant isa, Mmu mmu, IoBus io, InterruptController pic, Clock clock) {
        this(isa, mmu, io, pic, clock, false);
    }

    /** As above, with the {@code vt} feature if {@code vt} (else its instructions are #UD). */
    public Interpreter(IsaVariant isa, Mmu mmu, IoBus io, InterruptController pic, Clock clock, boolean vt) {
        this.vmx = vt ? new VmxOperation(mmu.memory()) : null;
        this.mmu = mmu;
        this.io = io;
        this.pic = pic;
        this.clock = clock;
        this.decoded = new DecodedCache(mmu.memory());
        for (Opcode op : Opcode.values()) {
            trapsOutsideRing0[op.ordinal()] = isa.trapsOutsideRing0(op);
        }
        mmu.tlb().setChangeListener(this::forgetCodePage);
        // A load or store that reaches a device register happens at this instruction's tick.
        mmu.setBeforeDeviceAccess(() -> clock.advanceTo(ticks));
        mmu.setAfterDeviceAccess(this::endBlockAfterDeviceAccess);
        forgetCodePage();
    }

    // --- the outer loop -----------------------------------------------------------------------

    @Override
    public StopReason run(CpuState state, ExitControls exits, long fuel, long until) {
        begin(state, exits);
        try {
            return run(fuel, until);
        } finally {
            state.pc = pc;
            state.flags = flags;
        }
    }

    /**
     * As {@link #run(CpuState, ExitControls, long, long)}, for an engine composed over this one
     * when a device asked, during an earlier run of this interpreter, to pause at
     * {@code devicePause} ({@link #pauseBy}), and that pause is still to come: it is this run's
     * as if asked for in it (in non-root mode, a preemption-timer VM exit there).
     */
    StopReason run(CpuState state, ExitControls exits, long fuel, long until, long devicePause) {
        begin(state, exits);
        try {
            return run(fuel, until, devicePause);
        } finally {
            state.pc = pc;
            state.flags = flags;
        }
    }

    /** Takes the state into the interpreter's hands for a run. */
    private void begin(CpuState state, ExitControls exits) {
        if (state != this.state || state.generation() != generation) {
            // written from outside (the ring, a control register), or another state: translate anew
            forgetCodePage();
            this.state = state;
            generation = state.generation();
        }
        rootExits = exits;
        this.exits = inNonRoot() ? ExitControls.NONE : exits;
        regs = state.regs;
        pc = state.pc;
        flags = state.flags;
    }

    /**
     * A Java monitor's VM entry (vmlaunch if {@code launch}, else vmresume) into the current VMCS,
     * then the guest's run in non-root mode until a VM exit ({@link StopReason#VM_EXIT}) or the end
     * of {@code fuel} (the processor stays in non-root mode, and {@link #run} goes on there). An
     * entry that fails as an instruction loads nothing and returns {@link
     * StopReason#VM_ENTRY_FAILED}; one that fails on the guest state is a VM exit, nothing entered.
     *
     * @throws IllegalStateException without the vt feature, or in non-root mode
     */
    public StopReason vmEntry(CpuState state, ExitControls exits, boolean launch, long fuel) {
        StopReason entry = vmEntryAlone(state, exits, launch, fuel);
        return entry != null ? entry : run(state, exits, fuel, fuel);
    }

    /**
     * The VM entry of {@link #vmEntry} without the guest's run: null if the guest was entered (in
     * non-root mode, to be run by {@link #run}, or by an engine composed over this one), else how
     * the entry ended ({@link StopReason#VM_ENTRY_FAILED}, or a VM exit at entry).
     *
     * @throws IllegalStateException without the vt feature, or in non-root mode
     */
    public StopReason vmEntryAlone(CpuState state, ExitControls exits, boolean launch, long fuel) {
        if (vmx == null || vmx.nonRoot()) {
            throw new IllegalStateException(vmx == null ? "the machine has no vt feature"
                    : "the processor is in non-root mode already");
        }
        begin(state, exits);
        try {
            this.fuel = fuel;
            stopReason = null;
            if (!enter(launch, true)) {
                return StopReason.VM_ENTRY_FAILED;
            }
            return stopReason;   // non-null: the guest state was invalid, or the injection triple-faulted
        } finally {
            state.pc = pc;
            state.flags = flags;
        }
    }

    /** The processor's VMX operation, or null without the vt feature. */
    VmxOperation vmx() {
        return vmx;
    }

    private boolean inNonRoot() {
        return vmx != null && vmx.nonRoot();
    }

    @Override
    public void pauseBy(long until) {
        long by = Math.max(until, instructions());
        if (by < pause) {
            pause = by;
            pausedByDevice = true;
        }
    }

    private StopReason run(long fuel, long until) {
        return run(fuel, until, Long.MAX_VALUE);
    }

    /** The run, with a pause a device asked for ({@link #pauseBy}) before it began. */
    private StopReason run(long fuel, long until, long devicePause) {
        this.fuel = fuel;
        pause = Math.min(fuel, until);
        runPause = pause;
        pausedByDevice = false;
        pauseBy(devicePause);
        stopReason = null;
        while (stopReason == null) {
            try {
                step(fuel);
            } catch (TwoDimensionalWalk.Violation v) {
                eptViolation(v.violation());   // delivering an event, in non-root mode with EPT
            } catch (ExitDuringDelivery e) {
                exceptionExitDuringDelivery(e.fault());   // delivering an interrupt, in non-root mode
            }
        }
        clock.advanceTo(ticks);
        return stopReason;
    }

    /** One turn of the outer loop: time, exits between instructions, an interrupt, a wait, or a block. */
    private void step(long fuel) {
        if (instructions() >= pause) {
            if (pausedByDevice && vmx != null && vmx.nonRoot()) {
                // A monitor cannot take back a guest in non-root mode but by a VM exit: the pause a
                // device asked for is the monitor's timer going off there (docs/isa.md, "Time and fuel").
                pausedByDevice = false;
                pause = runPause;
                vmExit(VmExitReason.PREEMPTION_TIMER, 0, 0, 0, 0, 0);
                return;
            }
            stop(StopReason.FUEL_EXHAUSTED, null);   // its detail is written when asked for: pauses are frequent
            return;
        }
        clock.advanceTo(ticks);
        clock.runDue();
        if (vmx != null && vmx.nonRoot() && exitBetweenInstructions()) {
            return;
        }
        if (interruptsEnabled() && ticks >= interruptsBlockedUntil && pic.hasDeliverable()) {
            if (trapsSpentTheFuel()) {
                return;
            }
            waiting = false;
            int vector = pic.acknowledge();
            if (exits.exits(Trap.Kind.INTERRUPT, vector)) {
                trapToMonitor(new Trap(Trap.Kind.INTERRUPT, vector, 0, 0, pc, pc));
            } else {
                deliver(vector, 0, pc, VmxControls.TYPE_EXTERNAL_INTERRUPT);
            }
            return;
        }
        if (waiting) {
            idle(fuel);
            return;
        }
        long boundary = Math.min(clock.nextDeadline(), ticks + (pause - instructions()));
        if (interruptsBlockedUntil > ticks) {
            boundary = Math.min(boundary, interruptsBlockedUntil);   // the STI shadow ends
        }
        if (vmx != null) {
            boundary = Math.min(boundary, vmx.timerDeadline());   // the preemption timer exits
        }
        boundary = Math.max(boundary, ticks + 1);
        deviceAccessed = false;
        try {
            execute(boundary);
        } catch (EndOfBlock end) {
            // a device register was accessed: interrupts are looked at before going on
        } catch (Fault f) {
            fault(f);
        } catch (TwoDimensionalWalk.Violation v) {
            eptViolation(v.violation());   // an instruction's access, or an int's delivery: pc on it
        } catch (ExitDuringDelivery e) {
            exceptionExitDuringDelivery(e.fault());   // a fault's or an int's delivery: pc on the instruction
        }
    }

    /**
     * In {@code hlt} with interrupts on: time skips to the next device event.
     *
     * <p>Waiting retires no instructions, so fuel alone cannot end it: a periodic timer whose line
     * the guest masked (or left in service) would wake the host forever and the guest never. So a
     * wait may pass at most as many device events as there is fuel left; then no device will ever
     * interrupt, as far as this run can tell, and it stops.
     */
    private void idle(long fuel) {
        long next = clock.nextDeadline();
        if (vmx != null) {
            next = Math.min(next, vmx.timerDeadline());   // the preemption timer counts a wait too
        }
        if (next == Long.MAX_VALUE) {
            stop(StopReason.IDLE_FOREVER, "hlt with interrupts enabled, but no device event is pending");
            return;
        }
        if (eventsWaited >= fuel - instructions()) {
            stop(StopReason.IDLE_FOREVER, String.format("hlt at pc=0x%08x with interrupts enabled "
                    + "waited through %d device events, none of which could interrupt "
                    + "(lines masked or in service)", pc - 4, eventsWaited));
            return;
        }
        eventsWaited++;
        if (next > ticks) {
            idleTicks += next - ticks;
            ticks = next;
        }
    }

    // --- the inner loop -----------------------------------------------------------------------

    /**
     * Executes instructions until the tick {@code boundary}, a system instruction or a fault.
     *
     * <p>The loop is shaped for C2, which compiles it to one jump through a table per
     * instruction. It computes before that jump every value that several cases share and keeps
     * live across it every value a case uses, and what does not fit in registers it keeps on the
     * stack, for every instruction. So the switch holds only the instructions that touch nothing
     * but registers, pc, the tick and the condition bits are locals written back when the loop
     * leaves (the rest of FLAGS, the ring and IF, only system instructions change, and they
     * return), and the cases share as little as they can: one case for every branch, whose
     * target is computed only when it is taken. The memory, stack, call, divide and
     * multiply-immediate instructions are a call away ({@link #executeAccess}), and so is
     * decoding ({@link #decode}); a system instruction ends the loop and runs after it. The
     * state is written back in one place as the loop leaves normally, since a value that the
     * loop's exits share C2 would compute at the top of every turn. bench/README.md has the
     * figures.
     */
    private void execute(long boundary) {
        final int[] r = regs;
        int pc = this.pc;
        int cc = flags & CONDITION_BITS;
        // The ring and IF, which only system instructions change: kept apart so that writing
        // FLAGS back reads no field (a load of FLAGS the exits share, C2 would make every turn).
        final int ringAndIf = flags & ~CONDITION_BITS;
        long t = ticks;
        try {
            loop:
            while (t < boundary) {
                // A pc off the word grid (a jump to a misaligned target) must not round down to
                // the word below it: enterCodePage raises #GP for it, in this page as in another.
                if ((pc & ~0xFFC) != codePageAddress) {
                    enterCodePage(pc);
                }
                // The immediate is cut from the word by each case, as its format says: cheaper
                // than keeping it decoded. The switch is on the word's opcode byte (OpcodeBytes):
                // a slot not decoded yet holds word 0, whose byte goes to the default case.
                int w = codeWords[(pc & 0xFFF) >>> 2];
                int a = (w >>> 20) & 0xF;
                int b = (w >>> 16) & 0xF;
                int c = (w >>> 12) & 0xF;
                int next = pc + 4;
                switch (w >>> 24) {
                    case OpcodeBytes.ADD -> r[a] = r[b] + r[c];
                    case OpcodeBytes.SUB -> r[a] = r[b] - r[c];
                    case OpcodeBytes.AND -> r[a] = r[b] & r[c];
                    case OpcodeBytes.OR -> r[a] = r[b] | r[c];
                    case OpcodeBytes.XOR -> r[a] = r[b] ^ r[c];
                    case OpcodeBytes.SHL -> r[a] = r[b] << r[c];
                    case OpcodeBytes.SHR -> r[a] = r[b] >>> r[c];
                    case OpcodeBytes.SAR -> r[a] = r[b] >> r[c];
                    case OpcodeBytes.MUL -> {
                        r[a] = r[b] * r[c];
                        extraCycles += MULTIPLY_EXTRA;
                    }
                    case OpcodeBytes.CMP -> cc = ConditionCodes.compare(0, r[b], r[c]);
                    case OpcodeBytes.TST -> cc = ConditionCodes.test(0, r[b] & r[c]);
                    case OpcodeBytes.MOV -> r[a] = r[b];
                    case OpcodeBytes.ADDI -> r[a] = r[b] + (short) w;
                    case OpcodeBytes.ANDI -> r[a] = r[b] & (w & 0xFFFF);
                    case OpcodeBytes.ORI -> r[a] = r[b] | (w & 0xFFFF);
                    case OpcodeBytes.XORI -> r[a] = r[b] ^ (w & 0xFFFF);
                    case OpcodeBytes.SHLI -> r[a] = r[b] << w;
                    case OpcodeBytes.SHRI -> r[a] = r[b] >>> w;
                    case OpcodeBytes.SARI -> r[a] = r[b] >> w;
                    case OpcodeBytes.LUI -> r[a] = w << 16;
                    case OpcodeBytes.CMPI -> cc = ConditionCodes.compare(0, r[b], (short) w);
                    case OpcodeBytes.JR -> next = r[b];
                    case OpcodeBytes.JMP, OpcodeBytes.BEQ, OpcodeBytes.BNE, OpcodeBytes.BLT, OpcodeBytes.BGE,
                            OpcodeBytes.BLE, OpcodeBytes.BGT, OpcodeBytes.BLTU, OpcodeBytes.BGEU -> {
                        if (taken(w, cc)) {
                            next = pc + branchOffset(w);
                        }
                    }
                    case OpcodeBytes.MULI, OpcodeBytes.DIV, OpcodeBytes.DIVU, OpcodeBytes.REM, OpcodeBytes.REMU,
                            OpcodeBytes.LW, OpcodeBytes.LB, OpcodeBytes.LBU, OpcodeBytes.SW, OpcodeBytes.SB,
                            OpcodeBytes.PUSH, OpcodeBytes.POP, OpcodeBytes.CALL, OpcodeBytes.CALLR,
                            OpcodeBytes.RET -> {
                        ticks = t;   // current for a device behind memory-mapped I/O (see the constructor)
                        next = executeAccess(w, pc);
                    }
                    default -> {
                        if (decode(pc)) {
                            continue;   // decoded: dispatch again
                        }
                        break loop;   // a system instruction, run below with the state written back
                    }
                }
                r[0] = 0;
                pc = next;
                t++;
            }
        } catch (Fault | EndOfBlock | TwoDimensionalWalk.Violation | ExitDuringDelivery e) {
            // A faulting instruction did not retire: pc stays on it, as faults require. At the end
            // of a block, pc is the next instruction's.
            this.pc = pc;
            ticks = t;
            flags = ringAndIf | cc;
            throw e;
        }
        this.pc = pc;
        ticks = t;
        flags = ringAndIf | cc;
        if (t < boundary) {
            // The loop left before the boundary: at a system instruction. The outer loop looks
            // at interrupts and events before going on.
            try {
                executeSystem(pc);
            } catch (Fault | EndOfBlock | TwoDimensionalWalk.Violation | ExitDuringDelivery e) {
                this.pc = pc;   // the instruction did not retire
                ticks = t;
                throw e;
            }
        }
    }

    /**
     * Decodes the instruction at {@code pc} in the current code page if it is not decoded yet,
     * and returns true; returns false if it is (a system instruction, which the inner loop does
     * not run itself). Raises #UD if the word is not an instruction.
     */
    private boolean decode(int pc) {
        DecodedCache.Page page = codePage;
        int slot = (pc & 0xFFF) >>> 2;
        if (page.ops[slot] != null) {
            return false;
        }
        if (decoded.decode(page, slot) == null) {
            throw new Fault(Vector.INVALID_OPCODE, 0);
        }
        return true;
    }

    /** Executes the system instruction at {@code pc} in the current code page. */
    private void executeSystem(int pc) {
        int slot = (pc & 0xFFF) >>> 2;
        int w = codePage.words[slot];
        executeSystem(codePage.ops[slot], (w >>> 20) & 0xF, (w >>> 16) & 0xF, w & 0xFFFF, pc + 4);
    }

    /**
     * Executes the memory, stack, call, divide or multiply-immediate instruction {@code w} at
     * {@code pc}, with {@link #ticks} current, and returns the pc of the next instruction. It
     * writes no register if it faults; its extra cycles count only once it cannot fault.
     */
    private int executeAccess(int w, int pc) {
        final int[] r = regs;
        final int cpl = cpl();
        int a = (w >>> 20) & 0xF;
        int b = (w >>> 16) & 0xF;
        int c = (w >>> 12) & 0xF;
        int next = pc + 4;
        switch (w >>> 24) {
            case OpcodeBytes.MULI -> {
                r[a] = r[b] * (short) w;
                extraCycles += MULTIPLY_EXTRA;
            }
            case OpcodeBytes.DIV -> r[a] = divide(r[b], r[c], false, false);
            case OpcodeBytes.DIVU -> r[a] = divide(r[b], r[c], true, false);
            case OpcodeBytes.REM -> r[a] = divide(r[b], r[c], false, true);
            case OpcodeBytes.REMU -> r[a] = divide(r[b], r[c], true, true);
            case OpcodeBytes.LW -> r[a] = mmu.readWord(r[b] + (short) w, cpl);
            case OpcodeBytes.LB -> r[a] = (byte) mmu.readByte(r[b] + (short) w, cpl);
            case OpcodeBytes.LBU -> r[a] = mmu.readByte(r[b] + (short) w, cpl);
            case OpcodeBytes.SW -> mmu.writeWord(r[b] + (short) w, r[a], cpl);
            case OpcodeBytes.SB -> mmu.writeByte(r[b] + (short) w, r[a], cpl);
            case OpcodeBytes.PUSH -> {
                int sp = r[SP] - 4;
                mmu.writeWord(sp, r[b], cpl);
                r[SP] = sp;
            }
            case OpcodeBytes.POP -> {
                int value = mmu.readWord(r[SP], cpl);
                r[SP] += 4;
                r[a] = value;
            }
            case OpcodeBytes.CALL -> {
                int sp = r[SP] - 4;
                mmu.writeWord(sp, next, cpl);
                r[SP] = sp;
                next = pc + branchOffset(w);
                extraCycles += CALL_EXTRA;
            }
            case OpcodeBytes.CALLR -> {
                int target = r[b];
                int sp = r[SP] - 4;
                mmu.writeWord(sp, next, cpl);
                r[SP] = sp;
                next = target;
                extraCycles += CALL_EXTRA;
            }
            case OpcodeBytes.RET -> {
                next = mmu.readWord(r[SP], cpl);
                r[SP] += 4;
                extraCycles += CALL_EXTRA;
            }
            default -> throw new IllegalStateException("not a memory or call instruction: " + (w >>> 24));
        }
        return next;
    }

    /**
     * For {@code jmp} and each conditional branch, by opcode byte from {@code jmp}'s: the values of
     * the condition bits (FLAGS &amp; {@link Registers#CONDITION_BITS}, 0 to 15) under which it is
     * taken, as the bits of a mask. Computed from {@link ConditionCodes}' definitions: a branch
     * then costs the inner loop one load and one shift, whatever its condition.
     */
    private static final int[] TAKEN_WHEN = takenWhen();

    private static int[] takenWhen() {
        int[] masks = new int[OpcodeBytes.BGEU - OpcodeBytes.JMP + 1];
        for (int cc = 0; cc <= CONDITION_BITS; cc++) {
            boolean[] taken = new boolean[masks.length];
            taken[0] = true;   // jmp
            taken[OpcodeBytes.BEQ - OpcodeBytes.JMP] = ConditionCodes.equal(cc);
            taken[OpcodeBytes.BNE - OpcodeBytes.JMP] = ConditionCodes.notEqual(cc);
            taken[OpcodeBytes.BLT - OpcodeBytes.JMP] = ConditionCodes.less(cc);
            taken[OpcodeBytes.BGE - OpcodeBytes.JMP] = ConditionCodes.greaterOrEqual(cc);
            taken[OpcodeBytes.BLE - OpcodeBytes.JMP] = ConditionCodes.lessOrEqual(cc);
            taken[OpcodeBytes.BGT - OpcodeBytes.JMP] = ConditionCodes.greater(cc);
            taken[OpcodeBytes.BLTU - OpcodeBytes.JMP] = ConditionCodes.below(cc);
            taken[OpcodeBytes.BGEU - OpcodeBytes.JMP] = ConditionCodes.aboveOrEqual(cc);
            for (int i = 0; i < masks.length; i++) {
                masks[i] |= taken[i] ? 1 << cc : 0;
            }
        }
        return masks;
    }

    /** True if the branch {@code word} (jmp or a conditional branch) is taken under {@code flags}. */
    private static boolean taken(int word, int flags) {
        return (TAKEN_WHEN[(word >>> 24) - OpcodeBytes.JMP] >>> (flags & CONDITION_BITS) & 1) != 0;
    }

    /** The byte distance from a branch to its target: the signed 24-bit word offset, plus 4. */
    private static int branchOffset(int word) {
        return (((word << 8) >> 8) << 2) + 4;
    }



    private int divide(int x, int y, boolean unsigned, boolean remainder) {
        if (y == 0) {
            throw new Fault(Vector.DIVIDE_ERROR, 0);
        }
        extraCycles += Opcode.DIV.cycles() - 1;
        if (unsigned) {
            return remainder ? Integer.remainderUnsigned(x, y) : Integer.divideUnsigned(x, y);
        }
        return remainder ? x % y : x / y;
    }

    /**
     * Ends the inner loop before the next instruction, at no cost to the common path: forgetting
     * the code page sends the next fetch to {@link #enterCodePage}, which throws {@link EndOfBlock}.
     */
    private void endBlockAfterDeviceAccess() {
        deviceAccessed = true;
        codePageAddress = NO_CODE_PAGE;
    }

    /** Translates the fetch of {@code pc} and makes its frame the current code page. */
    private void enterCodePage(int pc) {
        if (deviceAccessed) {
            throw EndOfBlock.INSTANCE;
        }
        if ((pc & 3) != 0) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        int vpn = pc >>> PhysicalMemory.PAGE_SHIFT;
        int way = vpn & (FETCH_WAYS - 1);
        if (fetchVpns[way] != vpn) {
            int pa = mmu.translate(pc, Mmu.FETCH, cpl());
            if (!mmu.isRam(pa)) {
                throw new Fault(Vector.GENERAL_PROTECTION, 0);
            }
            fetchPages[way] = decoded.page(pa);
            fetchVpns[way] = vpn;
        }
        codePage = fetchPages[way];
        codeWords = codePage.words;
        codePageAddress = vpn << PhysicalMemory.PAGE_SHIFT;
    }

    /** A translation or the ring changed: the next fetch must translate its page again. */
    private void forgetCodePage() {
        codePageAddress = NO_CODE_PAGE;
        java.util.Arrays.fill(fetchVpns, -1);
    }

    // --- system instructions ------------------------------------------------------------------

    /**
     * Executes one system instruction at pc whose successor is {@code next}. A privileged
     * instruction outside ring 0 raises #GP, unless this ISA variant makes it unprivileged.
     */
    private void executeSystem(Opcode op, int a, int b, int imm, int next) {
        if (op.requiresVt()) {
            vmxInstruction(op, a, b, imm, next);
            return;
        }
        int cpl = cpl();
        boolean ring0 = cpl == 0;
        if (!ring0 && trapsOutsideRing0[op.ordinal()] && !ioPermitted(op, imm)) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        if (vmx != null && vmx.nonRoot() && exitsInNonRoot(op, a, b, imm)) {
            return;   // a VM exit before the instruction: it did not retire
        }
        extraCycles += op.cycles() - 1;   // iret and int take several (docs/isa.md)
        switch (op) {
            case NOP -> { }
            case HLT -> {
                if (interruptsEnabled()) {
                    waiting = true;
                    eventsWaited = 0;
                } else {
                    stop(StopReason.HALT, String.format("hlt at pc=0x%08x with interrupts disabled", pc));
                }
            }
            case CLI -> flags &= ~FLAG_IF;
            case STI -> {
                flags |= FLAG_IF;
                interruptsBlockedUntil = ticks + 2;   // the x86 STI shadow: one more instruction first
            }
            case IRET -> {
                interruptReturn();
                ticks++;
                return;
            }
            case PUSHF -> push(flags);
            case POPF -> {
                int popped = pop();
                int writable = ring0 ? CONDITION_BITS | FLAG_IF : CONDITION_BITS;
                flags = (flags & ~writable) | (popped & writable);
            }
            case INT -> {
                softwareInterrupt(imm & 0xFF, next);
                return;
            }
            case SMSW -> regs[a] = (readControl(Registers.CR0) & 0xFF) | cpl << Registers.MSW_CPL_SHIFT;
            case SIDT -> regs[a] = state.idtr;
            case LIDT -> state.idtr = regs[b];
            case MFCR -> regs[a] = readControl(imm);
            case MTCR -> writeControl(imm, regs[b]);
            case INVLPG -> mmu.invalidatePage(regs[b]);
            case IN -> {
                clock.advanceTo(ticks);
                portAccesses++;
                regs[a] = io.in(imm);
            }
            case OUT -> {
                clock.advanceTo(ticks);
                portAccesses++;
                io.out(imm, regs[b]);
            }
            default -> throw new IllegalStateException("not a system instruction: " + op);
        }
        regs[0] = 0;
        pc = next;
        ticks++;
    }

    /** {@code mfcr}: in non-root mode, the bits of cr0 and cr4 the host owns read as their shadow. */
    private int readControl(int n) {
        int real = state.controlRegister(n);
        return vmx != null && vmx.nonRoot() ? vmx.guestView(n, real) : real;
    }

    /** {@code mtcr}: in non-root mode, the bits of cr0 and cr4 the host owns keep their value. */
    private void writeControl(int n, int value) {
        if (vmx != null && vmx.nonRoot()) {
            int mask = vmx.mask(n);
            if (mask != 0) {
                value = value & ~mask | state.controlRegister(n) & mask;
            }
        }
        state.writeControl(n, value);
    }

    /** An {@code in} or {@code out} at a port the I/O permission bitmap opens to every ring. */
    private boolean ioPermitted(Opcode op, int port) {
        return (op == Opcode.IN || op == Opcode.OUT) && io.permitted(port);
    }

    private void push(int value) {
        int sp = regs[SP] - 4;
        mmu.writeWord(sp, value, cpl());
        regs[SP] = sp;
    }

    private int pop() {
        int value = mmu.readWord(regs[SP], cpl());
        regs[SP] += 4;
        return value;
    }

    // --- traps and interrupts -----------------------------------------------------------------

    /**
     * {@code int v}: from ring 3, through the monitor's direct gate of {@code v} if it has one;
     * else it exits if the controls say so, or goes through the interrupt table, where a gate
     * whose DPL is below the caller's ring refuses with #GP.
     */
    private void softwareInterrupt(int vector, int next) {
        if (cpl() == 3) {
            DirectGate direct = exits.directGate(vector);
            if (direct != null && enterDirectly(direct, next)) {
                return;
            }
        }
        if (exits.exits(Trap.Kind.SOFTWARE_INTERRUPT, vector)) {
            // The monitor decides what the guest's gate allows, and retires the int if it may.
            trapToMonitor(new Trap(Trap.Kind.SOFTWARE_INTERRUPT, vector, 0, 0, pc, next));
            return;
        }
        delivering = vectoringInfo(vector, VmxControls.TYPE_SOFTWARE_INTERRUPT);   // the gate read is delivery's
        int gate = readGate(vector);
        delivering = 0;
        if ((gate & 3) < cpl()) {
            throw new Fault(Vector.GENERAL_PROTECTION, gateErrorCode(vector));
        }
        ticks++;
        deliver(vector, 0, next, VmxControls.TYPE_SOFTWARE_INTERRUPT);
    }

    /** A fault raised by the instruction at pc: deliver it to the guest's handler. */
    private void fault(Fault f) {
        if (vmx != null && vmx.nonRoot() && vmx.exceptionExits(f.vector())) {
            exceptionExit(f);
            return;
        }
        if (exits.exits(Trap.Kind.FAULT, f.vector())) {
            trapToMonitor(new Trap(Trap.Kind.FAULT, f.vector(), f.errorCode(), f.address(), pc, pc));
            return;
        }
        if (trapsSpentTheFuel()) {
            return;   // the fault is not taken: pc stays on the instruction, nothing changes
        }
        if (f.vector() == Vector.PAGE_FAULT) {
            state.cr2 = f.address();
        }
        deliver(f.vector(), f.errorCode(), pc, VmxControls.TYPE_HARDWARE_EXCEPTION);
    }

    /**
     * Enters the handler of {@code vector}, an event of interruption type {@code type} (as
     * {@link VmxControls} numbers them). A fault on the way (an absent gate, a stack that is not
     * mapped) becomes a double fault; a fault delivering the double fault stops the machine.
     */
    private void deliver(int vector, int errorCode, int returnPc, int type) {
        countTrap();
        deliverOrDoubleFault(vector, errorCode, returnPc, type);
        delivering = 0;   // delivered: an EPT violation on the way leaves it to eptViolation instead
    }

    private void deliverOrDoubleFault(int vector, int errorCode, int returnPc, int type) {
        try {
            delivering = vectoringInfo(vector, type);
            deliveringErrorCode = errorCode;
            enterHandler(vector, errorCode, returnPc);
        } catch (Fault nested) {
            if (vmx != null && vmx.nonRoot() && vmx.exceptionExits(nested.vector())) {
                throw new ExitDuringDelivery(nested);   // the monitor's, with the event: no double fault
            }
            if (vector == Vector.DOUBLE_FAULT) {
                tripleFault(String.format(
                        "fault (%s) while delivering a double fault at pc=0x%08x", nested.getMessage(), pc));
                return;
            }
            if (nested.vector() == Vector.PAGE_FAULT) {
                state.cr2 = nested.address();
            }
            try {
                delivering = vectoringInfo(Vector.DOUBLE_FAULT, VmxControls.TYPE_HARDWARE_EXCEPTION);
                deliveringErrorCode = 0;
                enterHandler(Vector.DOUBLE_FAULT, 0, returnPc);
            } catch (Fault again) {
                tripleFault(String.format(
                        "vector %d at pc=0x%08x could not be delivered (%s), nor could the double fault (%s)",
                        vector, pc, nested.getMessage(), again.getMessage()));
            }
        }
    }

    /**
     * True, having stopped the run with {@link StopReason#FUEL_EXHAUSTED}, if the traps delivered
     * in a row, with no instruction retired since the first of them, are already as many as the
     * fuel left: a handler that faults before its first instruction completes, again and again,
     * burns fuel as instructions would (docs/isa.md, "Time and fuel"). Without this rule, a
     * kernel stack that never leaves RAM (paging may map every page onto one frame) would take
     * faults forever. The fault or interrupt that would have been next is not taken.
     */
    private boolean trapsSpentTheFuel() {
        long retired = instructions();
        long inARow = retired == retiredAtLastTrap ? trapsInARow : 0;
        if (inARow < fuel - retired) {
            return false;
        }
        stop(StopReason.FUEL_EXHAUSTED, String.format("%d traps delivered in a row without an"
                + " instruction retiring, as many as the fuel left: each handler faults before its"
                + " first instruction completes (pc=0x%08x)", inARow, pc));
        return true;
    }

    /** Counts a trap delivered (or tried) towards the traps in a row. */
    private void countTrap() {
        long retired = instructions();
        if (retired != retiredAtLastTrap) {
            trapsInARow = 0;
            retiredAtLastTrap = retired;
        }
        trapsInARow++;
    }

    /**
     * The trap sequence: read the gate, switch to the kernel stack if coming from an outer ring,
     * push old sp, FLAGS, the return pc and the error code, then enter ring 0 with interrupts off.
     * Nothing changes until every push has succeeded.
     */
    private void enterHandler(int vector, int errorCode, int returnPc) {
        int gate = readGate(vector);
        if ((gate & ~3) == 0) {
            throw new Fault(Vector.GENERAL_PROTECTION, gateErrorCode(vector));
        }
        int oldSp = regs[SP];
        int sp = cpl() > 0 ? state.cr4 : oldSp;
        pushFrameWord(sp - 4, oldSp);
        pushFrameWord(sp - 8, flags);
        pushFrameWord(sp - 12, returnPc);
        pushFrameWord(sp - 16, errorCode);
        regs[SP] = sp - 16;
        flags &= ~(CPL_MASK | FLAG_IF);
        pc = gate & ~3;
        waiting = false;
        vectorCounts[vector]++;
        forgetCodePage();
    }

    /**
     * {@code int} through a direct gate (docs/isa.md, "Direct gates"): the instruction retires and
     * its handler is entered as through the interrupt table, on the kernel stack in cr4 with the
     * same frame, but in the gate's ring, with IF as the gate says, and with no table read. If a
     * word of the frame cannot be pushed, nothing has changed and the result is false: the
     * {@code int} then goes on as if there were no direct gate (it exits, or takes the table's
     * path), so that whoever handles it sees exactly the fault the table's path would meet.
     */
    private boolean enterDirectly(DirectGate gate, int next) {
        int oldSp = regs[SP];
        int sp = state.cr4;
        int oldSpAt;
        int flagsAt;
        int pcAt;
        int errorCodeAt;
        try {
            oldSpAt = mmu.frameWordAddress(sp - 4);
            flagsAt = mmu.frameWordAddress(sp - 8);
            pcAt = mmu.frameWordAddress(sp - 12);
            errorCodeAt = mmu.frameWordAddress(sp - 16);
        } catch (Fault cannotPush) {
            return false;
        }
        ticks++;   // the int retires: its delivery is part of it
        countTrap();
        PhysicalMemory memory = mmu.memory();
        memory.writeWord(oldSpAt, oldSp);
        memory.writeWord(flagsAt, flags);
        memory.writeWord(pcAt, next);
        memory.writeWord(errorCodeAt, 0);
        regs[SP] = sp - 16;
        flags = (flags & ~(CPL_MASK | (gate.clearsInterrupts() ? FLAG_IF : 0))) | gate.ring() << CPL_SHIFT;
        pc = gate.handler();
        waiting = false;
        vectorCounts[gate.vector()]++;
        forgetCodePage();
        return true;
    }

    /**
     * One word of a trap frame, which must land in RAM (else #GP, a fault during delivery).
     * Without that rule a handler that faults at once would push frames down through memory and
     * on into the void forever, never retiring an instruction that fuel could count.
     */
    private void pushFrameWord(int va, int value) {
        mmu.writeFrameWord(va, value);
    }

    private int readGate(int vector) {
        return mmu.readWord(state.idtr + (vector << 2), 0);
    }

    private static int gateErrorCode(int vector) {
        return (vector << 3) | 2;   // as on the x86: the gate's index, flagged "interrupt table"
    }

    /** {@code iret}: pop pc, FLAGS (ring and IF included) and sp. */
    private void interruptReturn() {
        int sp = regs[SP];
        int newPc = mmu.readWord(sp, 0);
        int newFlags = mmu.readWord(sp + 4, 0);
        int newSp = mmu.readWord(sp + 8, 0);
        pc = newPc;
        flags = newFlags & (CONDITION_BITS | FLAG_IF | CPL_MASK);
        regs[SP] = newSp;
        interruptReturns++;
        forgetCodePage();
    }

    /** Ring 0 belongs to the monitor: the trap stops the run, and the monitor takes it from here. */
    private void trapToMonitor(Trap trap) {
        lastTrap = trap;
        waiting = false;
        stop(StopReason.TRAP, null);   // its detail (the trap) is written when asked for: exits are frequent
    }

    @Override
    public Trap lastTrap() {
        return lastTrap;
    }

    private int cpl() {
        return (flags & CPL_MASK) >>> CPL_SHIFT;
    }

    private boolean interruptsEnabled() {
        return (flags & FLAG_IF) != 0;
    }

    // --- the vt feature: VMX instructions, VM entry and VM exit -------------------------------

    /**
     * A VMX instruction: #UD without the vt feature; in non-root mode a VM exit with the
     * instruction's own reason (vmcall included), whatever the ring; in root mode #GP outside ring
     * 0, vmcall #UD, and the others as docs/isa.md says, their outcome in the condition bits.
     */
    private void vmxInstruction(Opcode op, int a, int b, int imm, int next) {
        if (vmx == null) {
            throw new Fault(Vector.INVALID_OPCODE, 0);
        }
        if (vmx.nonRoot()) {
            vmExit(exitReasonOf(op), 0, 4, 0, 0, 0);
            return;
        }
        if (op == Opcode.VMCALL) {
            throw new Fault(Vector.INVALID_OPCODE, 0);
        }
        if (cpl() != 0) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        extraCycles += op.cycles() - 1;
        int status;
        switch (op) {
            case VMPTRLD -> status = vmx.vmptrld(regs[b]);
            case VMCLEAR -> status = vmx.vmclear(regs[b]);
            case VMREAD -> {
                VmcsField field = vmx.field(regs[b], false);
                if (field != null) {
                    regs[a] = vmx.current().read(field);
                }
                status = vmx.status();
            }
            case VMWRITE -> {
                VmcsField field = vmx.field(regs[b], true);
                if (field != null) {
                    vmx.current().write(field, regs[imm >>> 12 & 0xF]);   // rs2, in the rc field
                }
                status = vmx.status();
            }
            default -> {   // VMLAUNCH, VMRESUME
                if (enter(op == Opcode.VMLAUNCH, false)) {
                    ticks++;   // the entry retires the instruction; pc is the guest's now
                    return;
                }
                status = lastEntryStatus;
            }
        }
        int result = status == 0 ? 0 : status == VmxOperation.FAIL_INVALID ? FLAG_C : FLAG_Z;
        flags = flags & ~CONDITION_BITS | result;
        regs[0] = 0;
        pc = next;
        ticks++;
    }

    private static VmExitReason exitReasonOf(Opcode op) {
        return switch (op) {
            case VMPTRLD -> VmExitReason.VMPTRLD;
            case VMCLEAR -> VmExitReason.VMCLEAR;
            case VMLAUNCH -> VmExitReason.VMLAUNCH;
            case VMRESUME -> VmExitReason.VMRESUME;
            case VMREAD -> VmExitReason.VMREAD;
            case VMWRITE -> VmExitReason.VMWRITE;
            default -> VmExitReason.VMCALL;
        };
    }

    private int lastEntryStatus;
    // The interruption information of the event being delivered in non-root mode (0 if none), and
    // its error code: an EPT violation on the way records them as IDT-vectoring information.
    private int delivering;
    private int deliveringErrorCode;

    /**
     * A VM entry into the current VMCS. False if it failed as an instruction (the result in
     * {@link #lastEntryStatus}; nothing loaded). Else true: the guest was entered (its state
     * loaded, an event injected if the VMCS asks), or the guest state was invalid and the entry
     * failed as a VM exit, having loaded nothing of the guest.
     */
    private boolean enter(boolean launch, boolean fromJava) {
        lastEntryStatus = vmx.checkEntry(launch);
        if (lastEntryStatus != 0) {
            return false;
        }
        Vmcs v = vmx.current();
        if (!VmEntryCheck.guestState(v)) {
            vmx.enterFailing(fromJava);
            v.write(VmcsField.EXIT_QUALIFICATION, 0);
            exitToHost(v, VmExitReason.INVALID_GUEST_STATE.number() | VmExitReason.ENTRY_FAILURE);
            return true;
        }
        // The controls first: they say how the MMU translates the guest's addresses.
        vmx.enter(fromJava, ticks);
        mmu.vmTransition(v.read(VmcsField.GUEST_CR0), v.read(VmcsField.GUEST_CR3), v.read(VmcsField.GUEST_CR5),
                vmx.vpid(), vmx.eptPointer(), vmx.vpid() == 0);
        state.cr2 = v.read(VmcsField.GUEST_CR2);
        state.cr4 = v.read(VmcsField.GUEST_CR4);
        state.idtr = v.read(VmcsField.GUEST_IDTR_BASE);
        regs[SP] = v.read(VmcsField.GUEST_SP);
        pc = v.read(VmcsField.GUEST_PC);
        flags = v.read(VmcsField.GUEST_FLAGS);
        boolean stiShadow = (v.read(VmcsField.GUEST_INTERRUPTIBILITY_STATE) & VmxControls.INTERRUPTIBILITY_STI) != 0;
        interruptsBlockedUntil = stiShadow ? ticks + 1 : 0;
        waiting = v.read(VmcsField.GUEST_ACTIVITY_STATE) == VmxControls.ACTIVITY_HLT;
        eventsWaited = 0;
        rootExits = exits;
        exits = ExitControls.NONE;
        forgetCodePage();
        inject(v);
        return true;
    }

    /** Event injection: the event the VM-entry interruption information holds, through the guest's table. */
    private void inject(Vmcs v) {
        int info = v.read(VmcsField.VM_ENTRY_INTERRUPTION_INFO);
        if ((info & VmxControls.INFO_VALID) == 0) {
            return;
        }
        int type = info >>> VmxControls.INFO_TYPE_SHIFT & 7;
        int errorCode = (info & VmxControls.INFO_ERROR_CODE_VALID) != 0
                ? v.read(VmcsField.VM_ENTRY_EXCEPTION_ERROR_CODE) : 0;
        int returnPc = type == VmxControls.TYPE_SOFTWARE_INTERRUPT
                ? pc + v.read(VmcsField.VM_ENTRY_INSTRUCTION_LENGTH) : pc;
        try {
            deliver(info & 0xFF, errorCode, returnPc, type);
        } catch (TwoDimensionalWalk.Violation refused) {
            eptViolation(refused.violation());   // the guest's pc is loaded: the exit saves it
        } catch (ExitDuringDelivery e) {
            exceptionExitDuringDelivery(e.fault());
        }
    }

    /**
     * In non-root mode, between two instructions: the exits that come before the next one, in
     * the SDM's priority (the preemption timer, then the interrupt window, then an external
     * interrupt). True if one happened.
     */
    private boolean exitBetweenInstructions() {
        if (ticks >= vmx.timerDeadline()) {
            vmExit(VmExitReason.PREEMPTION_TIMER, 0, 0, 0, 0, 0);
            return true;
        }
        if (vmx.proc(VmxControls.PROC_INTERRUPT_WINDOW_EXITING) && interruptsEnabled()
                && ticks >= interruptsBlockedUntil) {
            vmExit(VmExitReason.INTERRUPT_WINDOW, 0, 0, 0, 0, 0);
            return true;
        }
        if (vmx.externalInterruptExiting() && pic.hasDeliverable()) {
            int info = vmx.acknowledgeInterruptOnExit()
                    ? VmxControls.interruptionInfo(pic.acknowledge(), VmxControls.TYPE_EXTERNAL_INTERRUPT, false)
                    : 0;
            vmExit(VmExitReason.EXTERNAL_INTERRUPT, 0, 0, 0, info, 0);
            return true;
        }
        return false;
    }

    /**
     * In non-root mode, before a system instruction that passed the privilege check: a VM exit if
     * the controls select it (true), the instruction not executed and pc on it.
     */
    private boolean exitsInNonRoot(Opcode op, int a, int b, int imm) {
        switch (op) {
            case HLT -> {
                // with IF = 0 nothing could wake the guest: only its monitor can stop it
                if (vmx.proc(VmxControls.PROC_HLT_EXITING) || !interruptsEnabled()) {
                    vmExit(VmExitReason.HLT, 0, 4, 0, 0, 0);
                    return true;
                }
            }
            case INVLPG -> {
                if (vmx.proc(VmxControls.PROC_INVLPG_EXITING)) {
                    vmExit(VmExitReason.INVLPG, regs[b], 4, regs[b], 0, 0);
                    return true;
                }
            }
            case MTCR -> {
                boolean exit = imm == Registers.CR3
                        ? vmx.proc(VmxControls.PROC_CR3_LOAD_EXITING)
                        : vmx.writeChangesOwnedBit(imm, regs[b]);
                if (exit) {
                    vmExit(VmExitReason.CONTROL_REGISTER_ACCESS,
                            VmxControls.crAccessQualification(imm, VmxControls.CR_ACCESS_TO_CR, b), 4, 0, 0, 0);
                    return true;
                }
            }
            case MFCR -> {
                if (imm == Registers.CR3 && vmx.proc(VmxControls.PROC_CR3_STORE_EXITING)) {
                    vmExit(VmExitReason.CONTROL_REGISTER_ACCESS,
                            VmxControls.crAccessQualification(imm, VmxControls.CR_ACCESS_FROM_CR, a), 4, 0, 0, 0);
                    return true;
                }
            }
            case IN, OUT -> {
                if (vmx.ioExits(imm)) {
                    boolean in = op == Opcode.IN;
                    vmExit(VmExitReason.IO_INSTRUCTION, VmxControls.ioQualification(imm, in, in ? a : b), 4, 0, 0, 0);
                    return true;
                }
            }
            default -> { }
        }
        return false;
    }

    /** A fault the exception bitmap selects: the exit, with the fault's interruption information. */
    private void exceptionExit(Fault f) {
        int vector = f.vector();
        boolean errorCode = hasErrorCode(vector);
        boolean pageFault = vector == Vector.PAGE_FAULT;
        vmExit(VmExitReason.EXCEPTION_OR_NMI, pageFault ? f.address() : 0, 0, pageFault ? f.address() : 0,
                VmxControls.interruptionInfo(vector, VmxControls.TYPE_HARDWARE_EXCEPTION, errorCode),
                errorCode ? f.errorCode() : 0);
    }

    /**
     * A fault the exception bitmap selects, met delivering an event: the exception exit, with the
     * event in the IDT-vectoring information (SDM ch. 27.2.4) and, for a software interrupt, its
     * length, so that the monitor can deliver it again (or leave it to the instruction, which did
     * not retire). As for an EPT violation met on the way, pc, sp and FLAGS are as the event found
     * them, and cr2 is not written.
     */
    private void exceptionExitDuringDelivery(Fault f) {
        int vectoring = delivering;
        boolean software = (vectoring >>> VmxControls.INFO_TYPE_SHIFT & 7) == VmxControls.TYPE_SOFTWARE_INTERRUPT;
        delivering = 0;
        waiting = false;
        Vmcs v = vmx.current();
        v.write(VmcsField.IDT_VECTORING_INFO, vectoring);
        v.write(VmcsField.IDT_VECTORING_ERROR_CODE,
                (vectoring & VmxControls.INFO_ERROR_CODE_VALID) != 0 ? deliveringErrorCode : 0);
        int vector = f.vector();
        boolean errorCode = hasErrorCode(vector);
        boolean pageFault = vector == Vector.PAGE_FAULT;
        vmExit(VmExitReason.EXCEPTION_OR_NMI, pageFault ? f.address() : 0, software ? 4 : 0, pageFault ? f.address() : 0,
                VmxControls.interruptionInfo(vector, VmxControls.TYPE_HARDWARE_EXCEPTION, errorCode),
                errorCode ? f.errorCode() : 0, 0, true);
    }

    /** A fault delivering a double fault: in non-root mode a VM exit, else the machine stops. */
    private void tripleFault(String detail) {
        if (vmx != null && vmx.nonRoot()) {
            vmExit(VmExitReason.TRIPLE_FAULT, 0, 0, 0, 0, 0);
        } else {
            stop(StopReason.TRIPLE_FAULT, detail);
        }
    }

    /**
     * A VM exit: the guest state saved in the VMCS (pc on the instruction that exited, or the next
     * to run), the exit information recorded, the host state loaded. The run goes on in root
     * mode at the host's pc, or stops with {@link StopReason#VM_EXIT} if a Java monitor entered.
     */
    private void vmExit(VmExitReason reason, int qualification, int instructionLength, int linearAddress,
                        int interruptionInfo, int errorCode) {
        vmExit(reason, qualification, instructionLength, linearAddress, interruptionInfo, errorCode, 0, false);
    }

    /**
     * An EPT violation (docs/isa.md, "Nested paging"): a VM exit with reason 48 before the access's
     * instruction (pc on it, nothing retired, instruction length 4), with the SDM's qualification
     * and both addresses. One met delivering an event leaves the event in the IDT-vectoring
     * information (SDM ch. 27.2, "Information for VM Exits During Event Delivery"), for the
     * monitor to inject again, and the instruction length is then that of a software interrupt,
     * or 0.
     */
    private void eptViolation(NestedPageViolation violation) {
        int vectoring = delivering;
        boolean software = (vectoring >>> VmxControls.INFO_TYPE_SHIFT & 7) == VmxControls.TYPE_SOFTWARE_INTERRUPT;
        int length = vectoring == 0 || software ? 4 : 0;
        delivering = 0;
        waiting = false;
        Vmcs v = vmx.current();
        v.write(VmcsField.IDT_VECTORING_INFO, vectoring);
        v.write(VmcsField.IDT_VECTORING_ERROR_CODE,
                (vectoring & VmxControls.INFO_ERROR_CODE_VALID) != 0 ? deliveringErrorCode : 0);
        vmExit(VmExitReason.EPT_VIOLATION, violation.qualification(), length, violation.guestLinear(),
                0, 0, violation.guestPhysical(), true);
    }

    /**
     * The interruption information of an event about to be delivered, which an exit on the way
     * records as IDT-vectoring information (0 in root mode, where nothing exits).
     */
    private int vectoringInfo(int vector, int type) {
        if (vmx == null || !vmx.nonRoot()) {
            return 0;
        }
        boolean errorCode = type == VmxControls.TYPE_HARDWARE_EXCEPTION && hasErrorCode(vector);
        return VmxControls.interruptionInfo(vector, type, errorCode);
    }

    /** The exceptions that push an error code that means something, as on the x86. */
    private static boolean hasErrorCode(int vector) {
        return vector == Vector.DOUBLE_FAULT || vector == Vector.GENERAL_PROTECTION
                || vector == Vector.PAGE_FAULT || vector == Vector.ALIGNMENT_CHECK;
    }

    /**
     * A VM exit, with the guest-physical address of an EPT violation (0 for the others), and
     * {@code duringDelivery} if the IDT-vectoring information is written already (an exit met
     * delivering an event); every other exit clears it.
     */
    private void vmExit(VmExitReason reason, int qualification, int instructionLength, int linearAddress,
                        int interruptionInfo, int errorCode, int guestPhysical, boolean duringDelivery) {
        Vmcs v = vmx.current();
        v.write(VmcsField.GUEST_PC, pc);
        v.write(VmcsField.GUEST_SP, regs[SP]);
        v.write(VmcsField.GUEST_FLAGS, flags);
        v.write(VmcsField.GUEST_CR0, mmu.cr0());
        v.write(VmcsField.GUEST_CR2, state.cr2);
        v.write(VmcsField.GUEST_CR3, mmu.cr3());
        v.write(VmcsField.GUEST_CR4, state.cr4);
        v.write(VmcsField.GUEST_CR5, mmu.cr5());
        v.write(VmcsField.GUEST_IDTR_BASE, state.idtr);
        v.write(VmcsField.GUEST_INTERRUPTIBILITY_STATE,
                interruptsBlockedUntil > ticks ? VmxControls.INTERRUPTIBILITY_STI : 0);
        v.write(VmcsField.GUEST_ACTIVITY_STATE, waiting ? VmxControls.ACTIVITY_HLT : VmxControls.ACTIVITY_ACTIVE);
        v.write(VmcsField.EXIT_QUALIFICATION, qualification);
        v.write(VmcsField.GUEST_LINEAR_ADDRESS, linearAddress);
        v.write(VmcsField.GUEST_PHYSICAL_ADDRESS, guestPhysical);
        if (!duringDelivery) {
            v.write(VmcsField.IDT_VECTORING_INFO, 0);
            v.write(VmcsField.IDT_VECTORING_ERROR_CODE, 0);
        }
        v.write(VmcsField.VM_EXIT_INSTRUCTION_LENGTH, instructionLength);
        v.write(VmcsField.VM_EXIT_INTERRUPTION_INFO, interruptionInfo);
        v.write(VmcsField.VM_EXIT_INTERRUPTION_ERROR_CODE, errorCode);
        exitToHost(v, reason.number());
    }

    /** The end of every VM exit: the exit reason, then the host state; the run stops for a Java monitor. */
    private void exitToHost(Vmcs v, int exitReason) {
        v.write(VmcsField.EXIT_REASON, exitReason);
        v.write(VmcsField.VM_ENTRY_INTERRUPTION_INFO,
                v.read(VmcsField.VM_ENTRY_INTERRUPTION_INFO) & ~VmxControls.INFO_VALID);
        boolean toJava = vmx.leave(ticks);
        // root mode's VPID is 0; a guest without VPID leaves no entry behind (SDM 28.3.3.1)
        mmu.vmTransition(v.read(VmcsField.HOST_CR0), v.read(VmcsField.HOST_CR3), v.read(VmcsField.HOST_CR5),
                0, Mmu.NO_NESTED_PAGING, vmx.vpid() == 0);
        state.cr4 = v.read(VmcsField.HOST_CR4);
        state.idtr = v.read(VmcsField.HOST_IDTR_BASE);
        regs[SP] = v.read(VmcsField.HOST_SP);
        pc = v.read(VmcsField.HOST_PC);
        flags = 0;   // ring 0, interrupts off, as the SDM clears RFLAGS at VM exit
        waiting = false;
        interruptsBlockedUntil = 0;
        exits = rootExits;
        forgetCodePage();
        if (toJava) {
            stop(StopReason.VM_EXIT, String.format("VM exit, reason %d, qualification 0x%x, guest pc=0x%08x",
                    exitReason & 0xFFFF, v.read(VmcsField.EXIT_QUALIFICATION), v.read(VmcsField.GUEST_PC)));
        }
    }

    // --- for an engine composed over this one (InterpreterPort): read-only but for retire ------

    /**
     * The physical address {@code pc} is fetched from on {@code state}, if this interpreter holds
     * the translation of its page for that state now, else -1. Translates nothing, so no TLB or
     * page-walk figure moves.
     */
    int cachedFetchAddress(CpuState state, int pc) {
        if (state != this.state || state.generation() != generation || (pc & 3) != 0) {
            return -1;
        }
        int vpn = pc >>> PhysicalMemory.PAGE_SHIFT;
        int way = vpn & (FETCH_WAYS - 1);
        return fetchVpns[way] == vpn ? fetchPages[way].base | (pc & 0xFFF) : -1;
    }

    /**
     * How many instructions may retire on {@code state}, from now on, with nothing looked at
     * between them: the count before the outer loop would next run a device event, deliver an
     * interrupt, end an STI shadow, take a VM exit between instructions (the preemption timer,
     * the interrupt window, an external interrupt) or pause at {@code min(fuel, until)}. 0 if it
     * would look now, in {@code hlt}, or for a state this interpreter did not run last.
     */
    long straightLineBudget(CpuState state, long fuel, long until) {
        if (state != this.state || state.generation() != generation || waiting) {
            return 0;
        }
        if (vmx != null && vmx.nonRoot() && wouldExitBetweenInstructions()) {
            return 0;
        }
        if ((state.flags & FLAG_IF) != 0 && ticks >= interruptsBlockedUntil && pic.hasDeliverable()) {
            return 0;
        }
        long budget = Math.min(fuel, until) - instructions();
        budget = Math.min(budget, clock.nextDeadline() - ticks);
        if (interruptsBlockedUntil > ticks) {
            budget = Math.min(budget, interruptsBlockedUntil - ticks);
        }
        if (vmx != null) {
            budget = Math.min(budget, vmx.timerDeadline() - ticks);
        }
        return Math.max(budget, 0);
    }

    /** {@link #exitBetweenInstructions}'s test, with nothing done: true if one of those exits is due now. */
    private boolean wouldExitBetweenInstructions() {
        return ticks >= vmx.timerDeadline()
                || vmx.proc(VmxControls.PROC_INTERRUPT_WINDOW_EXITING) && interruptsEnabled()
                        && ticks >= interruptsBlockedUntil
                || vmx.externalInterruptExiting() && pic.hasDeliverable();
    }

    /** True if the instruction at physical address {@code pa} is decoded (its decode counted). */
    boolean decodedAt(int pa) {
        return decoded.holds(pa);
    }

    /**
     * Accounts for {@code count} instructions that a composed engine executed on {@code state}
     * within {@link #straightLineBudget}: they retired at the next ticks, cost {@code extra}
     * cycles beyond one each, and left pc and FLAGS (whose ring and IF they did not change) as
     * given. The registers are written in the state already.
     */
    void retired(CpuState state, long count, long extra, int pc, int flags) {
        state.pc = pc;
        state.flags = flags;
        ticks += count;
        extraCycles += extra;
    }

    // --- the run's end and its figures ------------------------------------------------------

    /** Ends the run; a null {@code detail} is written when asked for ({@link #stopDetail}), from what it is now. */
    private void stop(StopReason reason, String detail) {
        stopReason = reason;
        stopDetail = detail;
        instructionsAtStop = instructions();
    }

    @Override
    public String stopDetail() {
        if (stopDetail == null) {
            stopDetail = stopReason == StopReason.TRAP ? lastTrap.toString()
                    : "retired " + instructionsAtStop + " instructions";
        }
        return stopDetail;
    }

    @Override
    public long instructions() {
        return ticks - idleTicks;
    }

    @Override
    public long ticks() {
        return ticks;
    }

    @Override
    public long vectorCount(int vector) {
        return vectorCounts[vector];
    }

    @Override
    public long extraCycles() {
        return extraCycles;
    }

    @Override
    public long portAccesses() {
        return portAccesses;
    }

    @Override
    public long interruptReturns() {
        return interruptReturns;
    }

    @Override
    public long decodes() {
        return decoded.decodes();
    }
}
