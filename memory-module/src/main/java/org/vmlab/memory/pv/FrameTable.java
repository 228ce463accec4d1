package org.vmlab.memory.pv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vmlab.machine.memory.Pte;

/**
 * Xen's frame table ({@code page_info}) for one VM's direct paging: of every machine frame, its
 * type ({@link PageType}), and the two counts that decide what may change.
 *
 * <ul>
 * <li><em>in use</em>: how many entries of pinned directories point at the frame (as a page
 * table), plus one while it is the base pointer (as a directory). A frame in use may not be
 * unpinned: the real MMU may walk it.
 * <li><em>writable mappings</em>: how many present, writable entries of pinned page tables map
 * the frame. A frame mapped writable may not be pinned: the guest could write it behind the
 * validation.
 * </ul>
 *
 * <p>A frame is pinned exactly while it has a table type. The table keeps each pinned frame's
 * entries as they were validated, so that the counts follow every change, and so that a write
 * that bypassed validation (a device's DMA) can be undone. It decides nothing: the validator and
 * the hypercalls do, and ask it first; a call that would break its counts is the hypervisor's
 * error and throws.
 */
public final class FrameTable {
    /** Entries in a page table or directory. */
    public static final int ENTRIES = 1024;
    /** No base pointer yet. */
    public static final int NO_BASE = -1;

    private final PageType[] types;
    private final int[] inUse;
    private final int[] writableMappings;
    private final int[][] entries;
    private int base = NO_BASE;

    /** A table for a machine of {@code machineFrames} frames, each ordinary memory. */
    public FrameTable(int machineFrames) {
        types = new PageType[machineFrames];
        Arrays.fill(types, PageType.NONE);
        inUse = new int[machineFrames];
        writableMappings = new int[machineFrames];
        entries = new int[machineFrames][];
    }

    /** {@code mfn}'s type; {@link PageType#NONE} for a frame that is not the machine's RAM. */
    public PageType type(int mfn) {
        return inRange(mfn) ? types[mfn] : PageType.NONE;
    }

    public boolean pinned(int mfn) {
        return type(mfn) != PageType.NONE;
    }

    /** Entries of pinned directories pointing at {@code mfn}, plus one if it is the base pointer. */
    public int inUse(int mfn) {
        return inRange(mfn) ? inUse[mfn] : 0;
    }

    /** Present, writable entries of pinned page tables that map {@code mfn}. */
    public int writableMappings(int mfn) {
        return inRange(mfn) ? writableMappings[mfn] : 0;
    }

    /** Entry {@code index} of pinned frame {@code mfn}, as it was validated. */
    public int entry(int mfn, int index) {
        return contents(mfn)[index];
    }

    /** The base pointer's frame, or {@link #NO_BASE}. */
    public int base() {
        return base;
    }

    /**
     * Pins {@code mfn} as {@code type} holding {@code validated} (its 1024 entries, validated):
     * the frames its entries reach count them.
     */
    public void pin(int mfn, PageType type, int[] validated) {
        if (type == PageType.NONE || validated.length != ENTRIES) {
            throw new IllegalArgumentException("pin(" + mfn + ", " + type + "): a table type and "
                    + ENTRIES + " entries");
        }
        if (!inRange(mfn) || pinned(mfn)) {
            throw new IllegalStateException("frame " + mfn + " cannot be pinned: "
                    + (inRange(mfn) ? "it is pinned as " + types[mfn] : "not a machine frame"));
        }
        types[mfn] = type;
        entries[mfn] = validated.clone();
        for (int entry : validated) {
            count(type, entry, +1);
        }
    }

    /** Unpins {@code mfn}: ordinary memory again, and the frames its entries reached no longer count them. */
    public void unpin(int mfn) {
        int[] held = contents(mfn);
        if (inUse[mfn] != 0) {
            throw new IllegalStateException("frame " + mfn + " is in use " + inUse[mfn] + " times");
        }
        for (int entry : held) {
            count(types[mfn], entry, -1);
        }
        types[mfn] = PageType.NONE;
        entries[mfn] = null;
    }

    /** Entry {@code index} of pinned frame {@code mfn} becomes {@code entry} (validated). */
    public void setEntry(int mfn, int index, int entry) {
        int[] held = contents(mfn);
        count(types[mfn], held[index], -1);
        held[index] = entry;
        count(types[mfn], entry, +1);
    }

    /** The base pointer becomes {@code mfn}, a pinned directory. */
    public void setBase(int mfn) {
        if (type(mfn) != PageType.L2) {
            throw new IllegalStateException("the base pointer must be a pinned directory, frame " + mfn
                    + " is " + type(mfn));
        }
        inUse[mfn]++;
        if (base != NO_BASE) {
            inUse[base]--;
        }
        base = mfn;
    }

    /** Every pinned frame, by number. */
    public List<Integer> pinnedFrames() {
        List<Integer> pinned = new ArrayList<>();
        for (int mfn = 0; mfn < types.length; mfn++) {
            if (types[mfn] != PageType.NONE) {
                pinned.add(mfn);
            }
        }
        return pinned;
    }

    /** What an entry of a frame of {@code type} holds on others: an L1 a writable mapping, an L2 a use. */
    private void count(PageType type, int entry, int delta) {
        if ((entry & Pte.PRESENT) == 0 || !inRange(entry >>> 12)) {
            return;   // not present, or a device's page: nothing to count
        }
        int target = entry >>> 12;
        if (type == PageType.L1 && (entry & Pte.WRITABLE) != 0) {
            writableMappings[target] += delta;
        } else if (type == PageType.L2) {
            inUse[target] += delta;
        }
    }

    private int[] contents(int mfn) {
        if (!pinned(mfn)) {
            throw new IllegalStateException("frame " + mfn + " is not pinned");
        }
        return entries[mfn];
    }

    private boolean inRange(int mfn) {
        return mfn >= 0 && mfn < types.length;
    }
}
