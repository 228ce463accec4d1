package org.vmlab.vmm;

/**
 * What the VMM spends simulated cycles on, beyond the guest's own instructions. Each has a default
 * cost in {@link VmmCostModel}; {@code docs/cost-model.md} gives the source of each figure.
 */
public enum VmmEvent {
    /** A trap from the guest into the VMM and the return, with the emulation of one instruction. */
    TRAP_AND_EMULATE,
    /** Emulating one device register access (after the trap that brought it). */
    DEVICE_EMULATION,
    /** A trap that the VMM reflects into the guest's own handler (a true fault, a system call). */
    REFLECTION,
    /** A virtual interrupt injected into the guest. */
    INJECTION,
    /** The VMM's timer took control back: a virtual device event was due or the slice ended. */
    TIMER_EXIT,
    /** Shadow paging: a hidden page fault, the guest's tables walked and a shadow entry filled. */
    HIDDEN_FAULT,
    /** Shadow paging: a write to a guest page-table page trapped, was emulated and traced. */
    TRACE,
    /** Shadow paging: the guest switched address space (cr3), a cached shadow found or built. */
    SHADOW_SWITCH,
    /** Binary translation: one guest instruction translated. */
    TRANSLATED_INSTRUCTION,
    /** Binary translation: translated code called out to the VMM. */
    CALLOUT,
    /** Binary translation: a sensitive instruction emulated inside the translation cache. */
    IN_CACHE_EMULATION,
    /**
     * Binary translation: control entered the translation cache without a chained link, after an
     * indirect branch or on the way back from the VMM, and looked its unit up.
     */
    INDIRECT_LOOKUP,
    /** Binary translation: the guest wrote code it had translated; translations dropped. */
    TRANSLATION_INVALIDATION,
    /** Switching the physical CPU from one VM to another. */
    WORLD_SWITCH
}
