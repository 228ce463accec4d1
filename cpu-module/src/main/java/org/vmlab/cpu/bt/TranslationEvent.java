package org.vmlab.cpu.bt;

import org.vmlab.vmm.VmmEvent;

/**
 * What binary translation spends cycles on. The published figures are Adams and Agesen's ("A
 * Comparison of Software and Hardware Techniques for x86 Virtualization", ASPLOS 2006, on a
 * Pentium 4); the others are vmlab's estimates, scaled from those.
 */
public enum TranslationEvent implements VmmEvent {
    /** One guest instruction translated. */
    TRANSLATED_INSTRUCTION(200, "estimate: decoding and emitting one instruction"),
    /** Translated code called out to the VMM. */
    CALLOUT(1254, "Adams and Agesen: a callout (rdtsc)"),
    /** A sensitive instruction emulated inside the translation cache. */
    IN_CACHE_EMULATION(216, "Adams and Agesen: in-cache emulation (rdtsc)"),
    /**
     * Control entered the translation cache without a chained link, after an indirect branch or
     * on the way back from the VMM, and looked its unit up.
     */
    INDIRECT_LOOKUP(50, "estimate: a hash probe in the cache"),
    /** The guest wrote code it had translated; translations dropped. */
    TRANSLATION_INVALIDATION(3000, "estimate: as a trace");

    private final int defaultCycles;
    private final String source;

    TranslationEvent(int defaultCycles, String source) {
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
