package org.vmlab.cpu.bt;

import java.util.List;
import org.vmlab.vmm.VmmEvent;

/**
 * What binary translation spends cycles on. The published figures are Adams and Agesen's ("A
 * Comparison of Software and Hardware Techniques for x86 Virtualization", ASPLOS 2006, on a
 * Pentium 4); the others are vmlab's estimates, scaled from those.
 */
public final class TranslationEvent {
    private TranslationEvent() {
    }

    /** One guest instruction translated. */
    public static final VmmEvent TRANSLATED_INSTRUCTION = VmmEvent.declare("TRANSLATED_INSTRUCTION", 200,
            "estimate: decoding and emitting one instruction");

    /** Translated code called out to the VMM. */
    public static final VmmEvent CALLOUT = VmmEvent.declare("CALLOUT", 1254,
            "Adams and Agesen: a callout (rdtsc)");

    /** A sensitive instruction emulated inside the translation cache. */
    public static final VmmEvent IN_CACHE_EMULATION = VmmEvent.declare("IN_CACHE_EMULATION", 216,
            "Adams and Agesen: in-cache emulation (rdtsc)");

    /**
     * Control entered the translation cache without a chained link, after an indirect branch or
     * on the way back from the VMM, and looked its unit up.
     */
    public static final VmmEvent INDIRECT_LOOKUP = VmmEvent.declare("INDIRECT_LOOKUP", 50,
            "estimate: a hash probe in the cache");

    /** The guest wrote code it had translated; translations dropped. */
    public static final VmmEvent TRANSLATION_INVALIDATION = VmmEvent.declare("TRANSLATION_INVALIDATION", 3000,
            "estimate: as a traced write's trap and update (TRAP_AND_EMULATE and TRACE)");

    /** Every one of them, in the order summaries list them. */
    public static final List<VmmEvent> ALL = List.of(TRANSLATED_INSTRUCTION, CALLOUT, IN_CACHE_EMULATION, INDIRECT_LOOKUP, TRANSLATION_INVALIDATION);
}
