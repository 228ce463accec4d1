package org.vmlab.vmm;

import java.util.List;

/**
 * The events of the VMM core itself, whatever the techniques: traps, emulation of devices,
 * reflection and injection, the VMM's timer, world switches. The published figures are Adams and
 * Agesen's ("A Comparison of Software and Hardware Techniques for x86 Virtualization", ASPLOS 2006,
 * on a Pentium 4); the others are vmlab's estimates, scaled from those.
 */
public final class CoreEvent {
    private CoreEvent() {
    }

    /** A trap from the guest into the VMM and the return, with the emulation of one instruction. */
    public static final VmmEvent TRAP_AND_EMULATE = VmmEvent.declare("TRAP_AND_EMULATE", 2030,
            "Adams and Agesen: a trap-and-emulate round trip (rdtsc)");

    /** Emulating one device register access (after the trap that brought it). */
    public static final VmmEvent DEVICE_EMULATION = VmmEvent.declare("DEVICE_EMULATION", 1000,
            "estimate: a device model's work, as a port access costs the bare machine");

    /** A trap that the VMM reflects into the guest's own handler (a true fault, a system call). */
    public static final VmmEvent REFLECTION = VmmEvent.declare("REFLECTION", 2030,
            "estimate: a trap round trip, as TRAP_AND_EMULATE");

    /** A virtual interrupt injected into the guest. */
    public static final VmmEvent INJECTION = VmmEvent.declare("INJECTION", 500,
            "estimate: building the guest's trap frame");

    /** The VMM's timer took control back: a virtual device event was due or the slice ended. */
    public static final VmmEvent TIMER_EXIT = VmmEvent.declare("TIMER_EXIT", 2030,
            "estimate: a trap round trip");

    /** A real interrupt took control from the guest: the VMM acknowledged it and went on. */
    public static final VmmEvent EXTERNAL_INTERRUPT = VmmEvent.declare("EXTERNAL_INTERRUPT", 2030,
            "estimate: a trap round trip, as TIMER_EXIT");

    /** Switching the physical CPU from one VM to another. */
    public static final VmmEvent WORLD_SWITCH = VmmEvent.declare("WORLD_SWITCH", 2409,
            "estimate: the round trip of a hardware VM exit and entry that Adams and Agesen report for VT-x");

    /**
     * The page-sharing scanner read one guest page and hashed it
     * ({@link org.vmlab.vmm.overcommit.PageSharingScanner}); charged to the VM whose page it is.
     */
    public static final VmmEvent PAGE_SCAN = VmmEvent.declare("PAGE_SCAN", 4096,
            "estimate: a 4 KiB page read and hashed a byte a cycle, as the bare machine's loop would");

    /** Every one of them, in the order summaries list them. */
    public static final List<VmmEvent> ALL = List.of(TRAP_AND_EMULATE, DEVICE_EMULATION, REFLECTION, INJECTION, TIMER_EXIT, EXTERNAL_INTERRUPT, WORLD_SWITCH,
            PAGE_SCAN);
}
