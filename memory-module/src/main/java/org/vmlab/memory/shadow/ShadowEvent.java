package org.vmlab.memory.shadow;

import org.vmlab.vmm.VmmEvent;

/** What shadow paging spends cycles on: vmlab's estimates, scaled from a trap's round trip. */
public enum ShadowEvent implements VmmEvent {
    /** A hidden page fault: the guest's tables walked and a shadow entry filled. */
    HIDDEN_FAULT(3000, "estimate: a trap, a software walk, a fill"),
    /** A write to a guest page-table page trapped, was emulated and traced. */
    TRACE(3000, "estimate: a trap, decoding, emulation, a shadow update"),
    /** The guest switched address space (cr3 or cr0): a cached shadow found or built. */
    SHADOW_SWITCH(1000, "estimate: finding the cached shadow");

    private final int defaultCycles;
    private final String source;

    ShadowEvent(int defaultCycles, String source) {
        this.defaultCycles = defaultCycles;
        this.source = source;
    }

    @Override
    public int defaultCycles() {
        return defaultCycles;
    }

    @Override
    public String source() {
        return source;
    }
}
