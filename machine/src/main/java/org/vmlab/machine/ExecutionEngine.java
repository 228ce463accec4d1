package org.vmlab.machine;

/**
 * What executes a processor's instructions on one machine: its MMU, buses, interrupt controller
 * and clock. The {@link Interpreter} is the reference, and the oracle every faster engine is held
 * to, instruction for instruction; a block compiler, or a non-root mode under hardware assistance,
 * run the same {@link CpuState} in their own way.
 *
 * <p>The contract, which every engine keeps (and {@code ExecutionEngineContractTest} checks):
 *
 * <ul>
 *   <li>A run ends for one reason, returned and kept until the next run: the guest stopped
 *       ({@link StopReason#HALT}, {@link StopReason#IDLE_FOREVER},
 *       {@link StopReason#TRIPLE_FAULT}), the fuel ran out, or a trap that the exit controls
 *       select left the engine ({@link StopReason#TRAP}, {@link #lastTrap()}).
 *   <li>Fuel counts instructions retired in all, over every run: a run may pause earlier, at
 *       {@code until}, with {@link StopReason#FUEL_EXHAUSTED}, and the next goes on where it left
 *       off, exactly as one longer run would have gone.
 *   <li>A trap that exits changes nothing of the architectural state: pc on the faulting
 *       instruction or the {@code int} (neither retired), or on the next instruction for an
 *       external interrupt; no handler is entered, nothing is pushed.
 *   <li>{@code int n} in ring 3 at a vector the exit controls give a {@link DirectGate} enters
 *       that gate's handler without exiting and without reading the interrupt table, or, if its
 *       frame cannot be pushed, goes on as if the gate were not there (docs/isa.md, "Direct
 *       gates").
 *   <li>Time is exact: instructions retired plus ticks waited in {@code hlt}; a device event
 *       and an interrupt happen at the instruction boundary their tick names, whatever the engine.
 * </ul>
 */
public interface ExecutionEngine {

    /**
     * Runs {@code state} until the guest stops, a trap that {@code exits} selects leaves the
     * engine, or {@code fuel} instructions have retired in all; pauses once {@code until} have
     * (if that comes first), as at the end of the fuel. The rules that fuel bounds (a wait in
     * {@code hlt}, traps delivered in a row, docs/isa.md) count the whole fuel.
     *
     * @return why the run ended
     */
    StopReason run(CpuState state, ExitControls exits, long fuel, long until);

    /**
     * Called during a run, from a device access the run made: the run pauses once {@code until}
     * instructions have retired in all, if that is sooner than it would have (never before the
     * instruction that made the access has retired). A monitor that lets a guest reach a device
     * directly uses it when the access scheduled a device event the run must not pass.
     */
    void pauseBy(long until);

    /** One line about how the last run ended, with the pc. */
    String stopDetail();

    /** The trap that ended the last run with {@link StopReason#TRAP}, or null if none ever did. */
    Trap lastTrap();

    /** Instructions retired so far, over every run. */
    long instructions();

    /** Ticks elapsed: instructions retired plus ticks spent waiting in {@code hlt}. */
    long ticks();

    // What the runs cost, beyond one cycle per instruction (Machine.cycles reads these).

    /** How many times each vector was entered through the interrupt table. */
    long vectorCount(int vector);

    /** Cycles beyond one per instruction spent by multi-cycle instructions. */
    long extraCycles();

    /** Port accesses ({@code in}, {@code out}). */
    long portAccesses();

    /** {@code iret}s executed. */
    long interruptReturns();

    /** Instructions decoded (an engine that decodes once and keeps the result counts once). */
    long decodes();
}
