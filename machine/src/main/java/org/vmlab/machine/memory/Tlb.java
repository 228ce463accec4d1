package org.vmlab.machine.memory;

import java.util.Arrays;

/**
 * The translation lookaside buffer: a cache of recent virtual-to-physical translations.
 *
 * <p>Direct-mapped, with a configurable number of entries (a power of two): page {@code vpn}
 * can only live in entry {@code vpn mod size}, so lookups are one comparison and replacement is
 * deterministic. Each entry carries a tag, the address-space identifier it was filled under.
 * When tagging is off every entry has tag 0 and a page-table switch must flush the whole TLB;
 * when it is on (cr0.TAG, with the tag in cr5, like x86 PCIDs) entries of other address spaces
 * stay and simply do not match. With the vt feature the tag is 64 bits: the virtual processor's
 * VPID in the high half (0 for root mode and for a guest without VPID), the address-space tag in
 * the low half ({@link #tag}), so that a guest's entries survive VM exits and entries (docs/isa.md,
 * "Nested paging").
 *
 * <p>An entry caches the effective permissions and whether the page is already dirty, so that a
 * write through a clean entry goes back to the page tables to set the dirty bit, as on the x86.
 */
public final class Tlb {
    /**
     * The TLB's own flag, in a bit page-table entries leave 0 (bit 4, valued as {@link Mmu#FETCH}
     * so that a fetch requires it at no cost): instruction fetches may use the entry. Every entry
     * has it but those nested paging filled from a page the nested tables do not let execute.
     */
    public static final int EXECUTABLE = 1 << 4;
    /** Permission bits kept in an entry: those of {@link Pte}, effective over both levels. */
    static final int ENTRY_FLAGS = Pte.WRITABLE | Pte.USER | Pte.DIRTY | EXECUTABLE;

    private final int mask;
    private final int[] vpns;
    private final long[] tags;
    private final int[] frames;
    private final int[] flags;
    private Runnable changeListener = () -> { };

    private long hits;
    private long misses;
    private long flushes;

    public Tlb(int entries) {
        if (entries <= 0 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("TLB size must be a power of two, was " + entries);
        }
        this.mask = entries - 1;
        this.vpns = new int[entries];
        this.tags = new long[entries];
        this.frames = new int[entries];
        this.flags = new int[entries];
        Arrays.fill(vpns, -1);
    }

    /** Told whenever an entry is filled or dropped, so cached uses of entries can be dropped. */
    public void setChangeListener(Runnable listener) {
        this.changeListener = listener;
    }

    public int size() {
        return vpns.length;
    }

    /**
     * The entry for {@code vpn} under {@code tag} with all of {@code required} permission bits,
     * as a frame number, or -1 on a miss. Counts hits and misses.
     */
    public int lookup(int vpn, long tag, int required) {
        int i = vpn & mask;
        if (vpns[i] == vpn && tags[i] == tag && (flags[i] & required) == required) {
            hits++;
            return frames[i];
        }
        misses++;
        return -1;
    }

    /**
     * The frame {@link #lookup} would return for a hit, or -1, counting nothing: for a caller that
     * goes on only on a hit, and then counts it ({@link #countHit}); on a miss it leaves the
     * lookup, and its count, to the ordinary path.
     */
    public int probe(int vpn, long tag, int required) {
        int i = vpn & mask;
        return vpns[i] == vpn && tags[i] == tag && (flags[i] & required) == required ? frames[i] : -1;
    }

    /** Counts a hit that {@link #probe} found and its caller used. */
    public void countHit() {
        hits++;
    }

    /** Fills the entry for {@code vpn}, replacing whatever shared its slot. */
    public void insert(int vpn, long tag, int frame, int entryFlags) {
        int i = vpn & mask;
        vpns[i] = vpn;
        tags[i] = tag;
        frames[i] = frame;
        flags[i] = entryFlags & ENTRY_FLAGS;
        changeListener.run();
    }

    /** Drops the entry for {@code vpn} under {@code tag}, if present (single-page invalidate). */
    public void invalidate(int vpn, long tag) {
        int i = vpn & mask;
        if (vpns[i] == vpn && tags[i] == tag) {
            vpns[i] = -1;
        }
        changeListener.run();
    }

    /**
     * Tells the listener that the set of usable entries changed without an entry changing (a
     * switch of the current tag).
     */
    public void tagSwitched() {
        changeListener.run();
    }

    /** Drops every entry. */
    public void flush() {
        Arrays.fill(vpns, -1);
        flushes++;
        changeListener.run();
    }

    /**
     * Drops every entry of virtual processor {@code vpid} (the high half of their tag): what a
     * context's flush is when other VPIDs' entries must stay. Counts as a flush.
     */
    public void flushVpid(int vpid) {
        for (int i = 0; i < vpns.length; i++) {
            if ((int) (tags[i] >>> 32) == vpid) {
                vpns[i] = -1;
            }
        }
        flushes++;
        changeListener.run();
    }

    /** The 64-bit tag of an entry: {@code vpid} in the high half, {@code addressSpace} in the low. */
    public static long tag(int vpid, int addressSpace) {
        return (long) vpid << 32 | addressSpace & 0xFFFF_FFFFL;
    }

    /** The number of valid entries of virtual processor {@code vpid} (for tests and statistics). */
    public int validEntries(int vpid) {
        int count = 0;
        for (int i = 0; i < vpns.length; i++) {
            if (vpns[i] != -1 && (int) (tags[i] >>> 32) == vpid) {
                count++;
            }
        }
        return count;
    }

    /** Number of valid entries (for tests and statistics). */
    public int validEntries() {
        return (int) Arrays.stream(vpns).filter(v -> v != -1).count();
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    public long flushes() {
        return flushes;
    }
}
