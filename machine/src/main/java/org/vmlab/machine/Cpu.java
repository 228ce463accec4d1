package org.vmlab.machine;

import java.util.Objects;
import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.device.IoBus;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.vt.Vmcs;

/**
 * The processor: its architectural state ({@link CpuState}), the execution engine that runs it
 * (the {@link Interpreter}), and the exit controls that say which traps leave the engine for a
 * monitor that owns ring 0.
 *
 * <p>Whoever runs code on the machine (the machine itself, a VMM's direct execution) calls
 * {@link #run}, which hands the state and the exit controls to the engine. The state's accessors
 * here are the state's own, kept so that loaders, monitors and tests read as they did.
 */
public final class Cpu {
    private final IsaVariant isa;
    private final CpuState state;
    private final ExecutionEngine engine;
    private final Interpreter interpreter;
    private ExitControls exits = ExitControls.NONE;

    /** A processor of {@code isa} on a machine's MMU, buses, interrupt controller and clock, run by the interpreter. */
    public Cpu(IsaVariant isa, Mmu mmu, IoBus io, InterruptController pic, Clock clock) {
        this(isa, mmu, io, pic, clock, false);
    }

    /** As above, with the {@code vt} feature if {@code vt} (docs/isa.md, "Hardware-assisted virtualization"). */
    public Cpu(IsaVariant isa, Mmu mmu, IoBus io, InterruptController pic, Clock clock, boolean vt) {
        this(isa, mmu, io, pic, clock, vt, EngineFactory.INTERPRETER);
    }

    /** As above, run by the engine {@code engine} builds over the interpreter. */
    public Cpu(IsaVariant isa, Mmu mmu, IoBus io, InterruptController pic, Clock clock, boolean vt,
               EngineFactory engine) {
        this.isa = isa;
        this.state = new CpuState(mmu);
        this.interpreter = new Interpreter(isa, mmu, io, pic, clock, vt);
        this.engine = engine.over(new InterpreterPort(interpreter, mmu));
    }

    public IsaVariant isa() {
        return isa;
    }

    /** The architectural state, which the engine runs. */
    public CpuState state() {
        return state;
    }

    /** The engine that runs the state. */
    public ExecutionEngine engine() {
        return engine;
    }

    // --- running ------------------------------------------------------------------------------

    /**
     * Runs until the guest halts, faults beyond recovery, a trap exits to the monitor, or
     * {@code fuel} instructions have retired in all.
     */
    public StopReason run(long fuel) {
        return run(fuel, fuel);
    }

    /**
     * Runs as {@link #run(long)} with {@code fuel}, but pauses once {@code until} instructions
     * have retired in all (if that comes first): the run stops with {@link
     * StopReason#FUEL_EXHAUSTED}, as it would at the end of its fuel, and goes on where it left
     * off when called again. The rules that fuel bounds (a wait in {@code hlt}, traps delivered
     * in a row, docs/isa.md) still count the whole fuel, so running instruction by instruction
     * takes the same path as one run, as a tool that compares two runs step by step needs.
     */
    public StopReason run(long fuel, long until) {
        return engine.run(state, exits, fuel, until);
    }

    /** During a run, from a device access: pause once {@code until} instructions have retired ({@link ExecutionEngine#pauseBy}). */
    public void pauseBy(long until) {
        engine.pauseBy(until);
    }

    /**
     * Which traps leave the engine for a monitor. {@link ExitControls#EVERY_TRAP} hands ring 0 to
     * a monitor written in Java, as a VMM owns the real machine's interrupt table: every
     * exception, {@code int} and external interrupt stops {@link #run} with {@link
     * StopReason#TRAP} and leaves the state as it was at the trap (pc on the faulting instruction
     * or the {@code int}, neither retired), instead of entering a handler through the table in
     * memory. The monitor reads {@link #lastTrap()}, handles it, and calls {@code run} again.
     * {@link ExitControls#NONE} (after reset) is bare metal.
     */
    public void setExitControls(ExitControls exits) {
        this.exits = Objects.requireNonNull(exits);
    }

    public ExitControls exitControls() {
        return exits;
    }

    /** The trap that ended the last run with {@link StopReason#TRAP}, or null. */
    public Trap lastTrap() {
        return engine.lastTrap();
    }

    public String stopDetail() {
        return engine.stopDetail();
    }

    // --- the vt feature: a Java monitor in root mode --------------------------------------------

    /** True if the machine has the vt feature. */
    public boolean hasVt() {
        return interpreter.vmx() != null;
    }

    /** True while a guest runs (or is paused by fuel) in non-root mode. */
    public boolean inNonRootMode() {
        return hasVt() && vmx().nonRoot();
    }

    /**
     * {@code vmptrld}: makes the VMCS at {@code machineAddress} current. The result is the
     * instruction's: 0, or the VM-instruction error (9: not 4 KiB aligned in RAM, 11: wrong
     * revision), which is also written to the current VMCS if there is one.
     */
    public int vmptrld(int machineAddress) {
        return rootOnly().vmptrld(machineAddress);
    }

    /** {@code vmclear}: the VMCS at {@code machineAddress} becomes clear, and not current; 0 or error 2. */
    public int vmclear(int machineAddress) {
        return rootOnly().vmclear(machineAddress);
    }

    /** The current VMCS, whose fields a monitor reads and writes as vmread and vmwrite do; or null. */
    public Vmcs currentVmcs() {
        return hasVt() ? vmx().current() : null;
    }

    /**
     * {@code vmlaunch}: enters the guest of the current (clear) VMCS and runs it in non-root mode
     * until a VM exit ({@link StopReason#VM_EXIT}: the VMCS's exit information says why; the
     * processor is back in root mode with the host state loaded) or until {@code fuel}
     * instructions have retired in all ({@link StopReason#FUEL_EXHAUSTED}: still in non-root mode,
     * and {@link #run} goes on with the guest). {@link StopReason#VM_ENTRY_FAILED} if the entry
     * failed as an instruction: nothing was loaded, the VM-instruction error says why.
     */
    public StopReason vmlaunch(long fuel) {
        return vmEntry(true, fuel);
    }

    /** {@code vmresume}: as {@link #vmlaunch}, for a VMCS launched before. */
    public StopReason vmresume(long fuel) {
        return vmEntry(false, fuel);
    }

    /** The entry is the interpreter's; the guest then runs on the engine, as any code does. */
    private StopReason vmEntry(boolean launch, long fuel) {
        rootOnly();
        StopReason entry = interpreter.vmEntryAlone(state, exits, launch, fuel);
        return entry != null ? entry : engine.run(state, exits, fuel, fuel);
    }

    private VmxOperation vmx() {
        return interpreter.vmx();
    }

    private VmxOperation rootOnly() {
        if (!hasVt()) {
            throw new IllegalStateException("the machine has no vt feature");
        }
        if (vmx().nonRoot()) {
            throw new IllegalStateException("the processor is in non-root mode: run it to its VM exit first");
        }
        return vmx();
    }

    // --- state --------------------------------------------------------------------------------

    public int cpl() {
        return state.cpl();
    }

    public boolean interruptsEnabled() {
        return state.interruptsEnabled();
    }

    public int pc() {
        return state.pc();
    }

    public void setPc(int pc) {
        state.setPc(pc);
    }

    public int register(int n) {
        return state.register(n);
    }

    public void setRegister(int n, int value) {
        state.setRegister(n, value);
    }

    public int flags() {
        return state.flags();
    }

    public void setFlags(int flags) {
        state.setFlags(flags);
    }

    public int idtr() {
        return state.idtr();
    }

    /** Sets IDTR, as {@code lidt} would (for loaders and monitors). */
    public void setIdtr(int idtr) {
        state.setIdtr(idtr);
    }

    /** Reads control register {@code n} as {@code mfcr} would. */
    public int controlRegister(int n) {
        return state.controlRegister(n);
    }

    /** Writes control register {@code n} as {@code mtcr} would (for loaders and monitors). */
    public void setControlRegister(int n, int value) {
        state.setControlRegister(n, value);
    }

    /** The state as the guest sees it. */
    public CpuSnapshot snapshot() {
        return state.snapshot();
    }

    // --- time and statistics, the engine's ----------------------------------------------------

    /** Instructions retired so far. */
    public long instructions() {
        return engine.instructions();
    }

    /** Ticks elapsed: instructions retired plus ticks spent waiting in {@code hlt}. */
    public long ticks() {
        return engine.ticks();
    }

    /** How many times each vector was entered (exceptions, interrupts and {@code int}). */
    public long vectorCount(int vector) {
        return engine.vectorCount(vector);
    }

    /** Cycles beyond one per instruction spent by multi-cycle instructions. */
    public long extraCycles() {
        return engine.extraCycles();
    }

    public long portAccesses() {
        return engine.portAccesses();
    }

    public long interruptReturns() {
        return engine.interruptReturns();
    }

    public long decodes() {
        return engine.decodes();
    }
}
