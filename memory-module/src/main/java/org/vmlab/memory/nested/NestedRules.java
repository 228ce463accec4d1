package org.vmlab.memory.nested;

import org.vmlab.machine.memory.NestedPageViolation;
import org.vmlab.vmm.PageFaultOutcome;

/**
 * The decision of nested paging, which {@link NestedPaging} asks for: what an EPT violation is
 * and how the nested tables are filled. (The rest is mechanism: the tables, following the p2m's
 * changes, and device windows assigned to the VM.)
 */
public interface NestedRules {
    /**
     * The nested tables refused the guest an access ({@code violation}: the guest-physical
     * address, what the access was, the permissions the tables gave). Either map the guest frame
     * ({@link NestedPaging#map}) and answer {@link PageFaultOutcome#FIXED}, or answer
     * {@link PageFaultOutcome#DEVICE_ACCESS} for an address that is not guest RAM (a device
     * register, which the VMM emulates).
     */
    PageFaultOutcome violation(NestedPaging nested, NestedPageViolation violation);
}
