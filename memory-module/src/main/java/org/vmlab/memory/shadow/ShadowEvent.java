package org.vmlab.memory.shadow;

import java.util.List;
import org.vmlab.vmm.VmmEvent;

/** What shadow paging spends cycles on: vmlab's estimates, scaled from a trap's round trip. */
public final class ShadowEvent {
    private ShadowEvent() {
    }

    /** A hidden page fault: the guest's tables walked and a shadow entry filled. */
    public static final VmmEvent HIDDEN_FAULT = VmmEvent.declare("HIDDEN_FAULT", 3000,
            "estimate: a trap, a software walk, a fill");

    /**
     * A write to a guest page-table page landed and was traced: the shadow entries built from the
     * old contents dropped. The trap that usually brings the write is charged apart, as a
     * {@code TRAP_AND_EMULATE} ({@link ShadowPaging#TRACED_WRITE}): the two make the 3,000 cycles
     * this estimate was before the trap was split from it, and a write that did not trap (a
     * binary translator's callout, a device's DMA) pays the update alone.
     */
    public static final VmmEvent TRACE = VmmEvent.declare("TRACE", 970,
            "estimate: a shadow update, a traced write's 3,000 less TRAP_AND_EMULATE's 2,030");

    /** The guest switched address space (cr3 or cr0): a cached shadow found or built. */
    public static final VmmEvent SHADOW_SWITCH = VmmEvent.declare("SHADOW_SWITCH", 1000,
            "estimate: finding the cached shadow");

    /** Every one of them, in the order summaries list them. */
    public static final List<VmmEvent> ALL = List.of(HIDDEN_FAULT, TRACE, SHADOW_SWITCH);
}
