package org.vmlab.memory.nested;

import java.util.List;
import org.vmlab.vmm.VmmEvent;

/** What nested paging spends the VMM's cycles on, beyond the VM exit that brings a violation. */
public final class NestedEvent {
    private NestedEvent() {
    }

    /**
     * An EPT violation handled: the p2m looked up and one nested entry written. No guest table is
     * walked in software, and the exit's round trip is the CPU technique's event.
     */
    public static final VmmEvent NESTED_FILL = VmmEvent.declare("NESTED_FILL", 1000,
            "estimate: a p2m lookup and one entry filled, as SHADOW_SWITCH's lookup (no trap, no software walk)");

    /** Every one of them, in the order summaries list them. */
    public static final List<VmmEvent> ALL = List.of(NESTED_FILL);
}
