package org.vmlab.labs.lab0;

/**
 * Where the probe puts things. Both layouts turn paging on and map the same virtual pages with
 * the same permissions, so a program cannot tell them apart by its own data; they differ only in
 * what a monitor would change: the physical frames behind every page, the interrupt table, the
 * kernel stack, and (in ring 0) the interrupt flag and cr0's write protection.
 */
public enum Layout {
    /** Virtual = physical; the interrupt table at virtual 0x0000. */
    NATIVE,
    /**
     * As under a monitor: every page in other frames, the interrupt table at virtual 0x3000, the
     * kernel stack (cr4) at 0x8800, and in ring 0 interrupts on and cr0's write protection on.
     */
    RELOCATED
}
