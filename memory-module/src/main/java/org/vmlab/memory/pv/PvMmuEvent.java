package org.vmlab.memory.pv;

import java.util.List;
import org.vmlab.vmm.VmmEvent;

/** What the paravirtual MMU spends cycles on, beyond the hypercall that brings each request. */
public final class PvMmuEvent {
    private PvMmuEvent() {
    }

    /**
     * One page-table entry validated: a request that writes a pinned frame, or a present entry of
     * a frame being pinned. Charged apart from the hypercall so that a batch costs one exit and
     * as many validations as it holds: batching saves exits, not the checks.
     */
    public static final VmmEvent ENTRY_VALIDATION = VmmEvent.declare("ENTRY_VALIDATION", 100,
            "estimate: the frame's owner, type and counts looked up, the entry written: a few memory references");

    /** Every one of them, in the order summaries list them. */
    public static final List<VmmEvent> ALL = List.of(ENTRY_VALIDATION);
}
