package org.vmlab.machine.memory;

/**
 * The layout of page-directory and page-table entries, as on the 32-bit x86.
 *
 * <pre>
 *  31                    12 11      7   6   5   4   3   2   1   0
 * +------------------------+---------+---+---+-------+---+---+---+
 * |   frame number         | (free)  | D | A |  (0)  | U | W | P |
 * +------------------------+---------+---+---+-------+---+---+---+
 * </pre>
 *
 * A virtual address splits 10/10/12: the top ten bits index the page directory (at cr3), the next
 * ten the page table, the low twelve are the offset in the page. The effective permission of a
 * mapping is the AND of its directory and table entries.
 */
public final class Pte {
    private Pte() {
    }

    public static final int PRESENT = 1;
    public static final int WRITABLE = 1 << 1;
    public static final int USER = 1 << 2;
    /** Set by the hardware walker when the entry is used for a translation. */
    public static final int ACCESSED = 1 << 5;
    /** Set by the hardware walker in a page-table entry when the page is written. */
    public static final int DIRTY = 1 << 6;
    public static final int FRAME_MASK = 0xFFFF_F000;

    /** Index into the page directory. */
    public static int directoryIndex(int va) {
        return va >>> 22;
    }

    /** Index into the page table. */
    public static int tableIndex(int va) {
        return (va >>> 12) & 0x3FF;
    }

    /**
     * An entry as a reader wants it: {@code "frame 0x00405000 P W U A -"}, each of the present,
     * writable, user, accessed and dirty bits by its letter when set and {@code -} when clear;
     * {@code "not present (0x00000000)"} for an entry without P.
     */
    public static String describe(int entry) {
        if ((entry & PRESENT) == 0) {
            return String.format("not present (0x%08x)", entry);
        }
        return String.format("frame 0x%08x %s %s %s %s %s", entry & FRAME_MASK, "P",
                (entry & WRITABLE) != 0 ? "W" : "-", (entry & USER) != 0 ? "U" : "-",
                (entry & ACCESSED) != 0 ? "A" : "-", (entry & DIRTY) != 0 ? "D" : "-");
    }

    /** An entry mapping the frame at physical address {@code frameAddress} with {@code flags}. */
    public static int entry(int frameAddress, int flags) {
        return (frameAddress & FRAME_MASK) | flags;
    }
}
