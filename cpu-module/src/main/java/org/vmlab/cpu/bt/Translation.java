package org.vmlab.cpu.bt;

/**
 * What the translator makes of one guest kernel instruction (Adams and Agesen 2006, section 3.1).
 */
public enum Translation {
    /** Innocuous: copied as it is, and run at full speed. */
    IDENT,
    /**
     * Sensitive, emulated by a call out of the translation cache into the VMM: costly (a callout,
     * 1,254 cycles in their measurements), but it may do anything the VMM can.
     */
    CALLOUT,
    /**
     * Sensitive, emulated by a short sequence inside the translation cache that works on the
     * vCPU's state in memory: cheap (216 cycles), but only for instructions that need nothing
     * beyond the virtual CPU state (no devices, no address-space or mode switch).
     */
    IN_CACHE
}
