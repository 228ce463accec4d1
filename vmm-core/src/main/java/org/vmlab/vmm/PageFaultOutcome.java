package org.vmlab.vmm;

import java.util.List;
import org.vmlab.machine.Fault;

/**
 * What a page-fault exit turned out to be, as far as the core must know to go on: fixed, the
 * guest's, an access to emulate, or a write to memory the technique traces (which the CPU
 * technique may learn from: {@link CpuVirtualization#pageFaultExit}).
 */
public sealed interface PageFaultOutcome {
    /** A hidden fault: the VMM fixed its own translation; the guest retries the instruction. */
    record Fixed() implements PageFaultOutcome {
    }

    /** The guest's own fault (its tables deny the access): reflect {@code fault} into the guest. */
    record GuestFault(Fault fault) implements PageFaultOutcome {
    }

    /**
     * The access is allowed to the guest but may not run directly (a device register, or a write
     * the memory technique must see land): the VMM emulates the instruction, and charges
     * {@code charges} for it. A technique whose emulated access is charged otherwise (shadow
     * paging charges a trace when the write lands) names no charge.
     */
    record Emulate(List<VmmEvent> charges) implements PageFaultOutcome {
        public Emulate {
            charges = List.copyOf(charges);
        }
    }

    /**
     * A write the guest may make, to memory the technique traces (a guest page table that a shadow
     * was built from): write-protected for real, so it trapped; the VMM emulates it, charging
     * {@code trap} for the trap and the decoding, and the technique charges its own work when the
     * write lands (shadow paging's trace). A VMM that reaches the store another way, without the
     * trap (binary translation's adaptive callout), pays only the latter.
     */
    record TracedWrite(VmmEvent trap) implements PageFaultOutcome {
    }

    /** A hidden fault, fixed. */
    PageFaultOutcome FIXED = new Fixed();

    /** An access to a device register, beyond guest RAM: the VMM emulates the device. */
    PageFaultOutcome DEVICE_ACCESS = emulate(CoreEvent.DEVICE_EMULATION);

    /** Emulate the instruction, charging {@code charges}. */
    static PageFaultOutcome emulate(VmmEvent... charges) {
        return new Emulate(List.of(charges));
    }
}
