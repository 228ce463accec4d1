package org.vmlab.vmm;

import org.vmlab.machine.Fault;

/** What a page-fault exit turned out to be. */
public sealed interface PageFaultOutcome {
    /** A hidden fault: the VMM fixed its own translation; the guest retries the instruction. */
    record Fixed() implements PageFaultOutcome {
    }

    /** The guest's own fault (its tables deny the access): reflect {@code fault} into the guest. */
    record GuestFault(Fault fault) implements PageFaultOutcome {
    }

    /**
     * The access is allowed to the guest but may not run directly: a write to a page-table page
     * that the VMM traces, or an access to an emulated device. The VMM emulates the instruction.
     */
    record Emulate(Why why) implements PageFaultOutcome {
    }

    /** Why an access must be emulated. */
    enum Why {
        /** A write to a guest page table that the VMM traces. */
        TRACED_WRITE,
        /** An access to a device register, beyond guest RAM. */
        DEVICE,
        /** A write the guest's rules allow but the real MMU cannot (cr0.WP off in the guest). */
        SUPERVISOR_WRITE
    }

    PageFaultOutcome FIXED = new Fixed();

    static PageFaultOutcome emulate(Why why) {
        return new Emulate(why);
    }
}
