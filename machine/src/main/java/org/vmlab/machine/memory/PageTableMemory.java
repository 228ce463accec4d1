package org.vmlab.machine.memory;

/**
 * Where a page walk finds the page tables: the machine's RAM for the MMU, a VM's guest-physical
 * memory for the VMM's software walk of the guest's tables (and, with nested paging, the tables
 * of the other dimension). One {@link PageWalk} walks them all.
 */
public interface PageTableMemory {

    /**
     * The 4-byte entry at {@code address}; 0 (not present) where there is no RAM, so that a
     * broken cr3 or directory entry faults instead of crashing.
     */
    int readEntry(int address);

    /** Writes back an entry whose accessed or dirty bit the walk has just set. */
    void writeEntry(int address, int value);
}
