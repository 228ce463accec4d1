package org.vmlab.labs.lab0;

/**
 * Where the probe puts things. Both layouts turn paging on and map the same virtual pages with
 * the same permissions, so a program cannot tell them apart by its own data; they differ only in
 * what a monitor would move: the physical frames behind every page, and the interrupt table.
 */
public enum Layout {
    /** Virtual = physical; the interrupt table at virtual 0x0000. */
    NATIVE,
    /** Every page in other frames (as under a monitor); the interrupt table at virtual 0x3000. */
    RELOCATED
}
