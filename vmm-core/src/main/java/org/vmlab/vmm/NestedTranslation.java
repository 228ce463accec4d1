package org.vmlab.vmm;

import org.vmlab.machine.memory.NestedPageViolation;

/**
 * Memory virtualization that the processor does itself: nested paging (Intel's EPT, AMD's nested
 * page tables; R. Bhargava et al., "Accelerating Two-Dimensional Page Walks for Virtualized
 * Systems", ASPLOS 2008). The guest's own page tables translate guest-virtual to guest-physical,
 * untouched by the VMM; tables of the VMM's, the nested tables, translate guest-physical to
 * machine; the MMU composes the two (docs/isa.md, "Nested paging"). A memory technique that works
 * this way says so by {@link MemoryVirtualization#nestedTranslation()}, and a hardware-assisted
 * CPU technique then points the VMCS's EPT pointer at {@link #root()} and hands it every EPT
 * violation.
 */
public interface NestedTranslation {
    /** The machine address of the nested directory: what the VMCS's EPT pointer holds. */
    int root();

    /**
     * An EPT violation: the nested tables refused a guest access ({@code violation} says which,
     * where and why). The usual answer is {@link PageFaultOutcome#FIXED} (the guest frame is now
     * mapped: the access runs again) or {@link PageFaultOutcome#DEVICE_ACCESS} (a device
     * register: the VMM emulates the instruction). The guest's own page faults never come here:
     * they go to the guest without an exit.
     */
    PageFaultOutcome violation(NestedPageViolation violation);
}
