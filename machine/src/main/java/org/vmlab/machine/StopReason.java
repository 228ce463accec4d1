package org.vmlab.machine;

/** Why a run ended. */
public enum StopReason {
    /** The guest executed {@code hlt} with interrupts disabled: it powered off. */
    HALT,
    /** The guest waits in {@code hlt} with interrupts enabled, but no device will ever interrupt. */
    IDLE_FOREVER,
    /**
     * The run used up its fuel (instruction budget) before the guest stopped by itself: it retired
     * as many instructions, or traps delivered in a row with none retired (a handler that faults
     * at once, again and again) spent what was left (docs/isa.md, "Time and fuel").
     */
    FUEL_EXHAUSTED,
    /** A fault occurred while delivering a double fault: the machine cannot go on. */
    TRIPLE_FAULT,
    /**
     * A monitor owns the machine and the guest trapped to it, by a trap that the {@link
     * ExitControls exit controls} select: the {@link Cpu#lastTrap() trap} says why. The monitor
     * handles it and runs the guest again.
     */
    TRAP,
    /**
     * A monitor stopped the guest: it asked for more of a resource (machine frames) than its limit
     * allows.
     */
    RESOURCE_LIMIT,
    /**
     * A monitor stopped the guest because of an error in the monitor itself, never the guest's
     * doing: the same fault at the same instruction fixed again and again without progress (on
     * bare metal every access either succeeds or faults to the guest), or an instruction it
     * emulated and never counted as retired. The detail says which.
     */
    MONITOR_ERROR,
    /**
     * A monitor stopped the guest because the guest broke its contract with the monitor, which
     * bare metal has no notion of: it touched memory it had given back (a ballooned page). The
     * detail says which.
     */
    GUEST_ERROR,
    /**
     * A monitor moved the guest to another machine (live migration's stop-and-copy): it goes on
     * there, from exactly where it stopped here.
     */
    MIGRATED,
    /**
     * With the vt feature: a guest that a Java monitor entered ({@link Cpu#vmlaunch}, {@link
     * Cpu#vmresume}) left non-root mode by a VM exit, or its entry failed on the guest state; the
     * current VMCS's exit reason says why (docs/isa.md, "Hardware-assisted virtualization").
     */
    VM_EXIT,
    /**
     * With the vt feature: a Java monitor's VM entry failed as an instruction (no current VMCS, or
     * VMfailValid: the VMCS's VM-instruction error says why). Nothing was loaded.
     */
    VM_ENTRY_FAILED;

    /** True if the guest ended the run itself, rather than being stopped. */
    public boolean isClean() {
        return this == HALT;
    }
}
