package org.vmlab.device.split;

import org.vmlab.vmm.Errno;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.VmmCounters;

/**
 * A guest's grant table as the back ends in domain 0 see it (Xen's {@code grant_table.h}, version
 * 1): a page of the guest's own, 512 entries of 8 bytes, which the guest fills to let domain 0
 * reach some of its frames. The back end never touches a guest frame except through a grant it
 * checks at that moment ({@link #frameFor}, by the {@link RingService}'s rule): a refused grant
 * touches nothing and is counted ({@code split.grant.refused}).
 *
 * <p>The table is the guest's page, read afresh at each check: the guest may change an entry at
 * any time, and the next check sees it. Only {@code GTF_reading} and {@code GTF_writing} are ever
 * written by the back end, around a use of the frame ({@link #hold}, {@link #release}).
 */
public final class GrantTable {
    private static final int NONE = -1;

    private final GuestPhysicalMemory memory;
    private final RingService rules;
    private final VmmCounters counters;
    private int tableFrame = NONE;

    public GrantTable(GuestPhysicalMemory memory, RingService rules, VmmCounters counters) {
        this.memory = memory;
        this.rules = rules;
        this.counters = counters;
    }

    /**
     * {@code GNTTABOP_setup_table}: the guest's page at {@code frame} becomes its table; grants in
     * a former table are gone.
     *
     * @return 0, or {@code -EINVAL} for a frame outside the guest's RAM (nothing changed)
     */
    public int setUp(int frame) {
        if (!isRam(frame)) {
            return -Errno.EINVAL;
        }
        tableFrame = frame;
        return 0;
    }

    /** Whether the guest has set up its table. */
    public boolean isSetUp() {
        return tableFrame != NONE;
    }

    /** The entry of {@code gref} as the guest's page holds it now, or null if there is no such entry. */
    public GrantEntry entry(int gref) {
        if (!isSetUp() || !isRam(tableFrame) || gref < SplitAbi.GNTTAB_NR_RESERVED_ENTRIES
                || gref >= SplitAbi.GRANT_ENTRIES) {
            return null;
        }
        int at = entryAddress(gref);
        return GrantEntry.of(memory.readWord(at), memory.readWord(at + 4));
    }

    /**
     * The check a back end makes before it touches a guest frame: the frame {@code gref} grants
     * domain 0 now, for a write into it if {@code writesGuest}; or -1, counted in {@code
     * split.grant.refused}, if the gref is not 8..511, the table is not set up (or its page was
     * given back by a balloon), or the entry does
     * not permit it ({@link RingService#permits}, and the frame given back to the hypervisor by a
     * balloon is not RAM either).
     */
    public int frameFor(int gref, boolean writesGuest) {
        GrantEntry entry = entry(gref);
        if (entry == null || !rules.permits(entry, writesGuest, memory.frames()) || !isRam(entry.frame())) {
            counters.add("split.grant.refused", 1);
            return NONE;
        }
        return entry.frame();
    }

    /**
     * Grant copy into the guest: {@code data} at {@code offset} of the frame {@code gref} grants
     * writable. False, having touched nothing, if the grant is refused or the bytes would leave
     * the page.
     */
    public boolean copyToGuest(int gref, int offset, byte[] data) {
        if (!inPage(offset, data.length)) {
            counters.add("split.grant.refused", 1);
            return false;
        }
        int frame = frameFor(gref, true);
        if (frame == NONE) {
            return false;
        }
        memory.write(frame * SplitAbi.PAGE_SIZE + offset, data);
        return true;
    }

    /**
     * Grant copy from the guest: {@code length} bytes at {@code offset} of the frame {@code gref}
     * grants, or null, having touched nothing, if the grant is refused or the bytes would leave
     * the page.
     */
    public byte[] copyFromGuest(int gref, int offset, int length) {
        if (!inPage(offset, length)) {
            counters.add("split.grant.refused", 1);
            return null;
        }
        int frame = frameFor(gref, false);
        return frame == NONE ? null : memory.read(frame * SplitAbi.PAGE_SIZE + offset, length);
    }

    /**
     * Marks {@code gref} in use, {@code GTF_writing} (a write into the guest's frame) or {@code
     * GTF_reading}: the guest must not reuse the entry until {@link #release}. For a gref that has
     * no entry, nothing.
     */
    public void hold(int gref, boolean writing) {
        setFlag(gref, writing ? SplitAbi.GTF_WRITING : SplitAbi.GTF_READING, true);
    }

    /** Clears what {@link #hold} set, in the table as it is now. */
    public void release(int gref, boolean writing) {
        setFlag(gref, writing ? SplitAbi.GTF_WRITING : SplitAbi.GTF_READING, false);
    }

    private void setFlag(int gref, int flag, boolean on) {
        if (entry(gref) == null) {
            return;
        }
        int at = entryAddress(gref);
        int word = memory.readWord(at);
        memory.writeWord(at, on ? word | flag : word & ~flag);
    }

    private int entryAddress(int gref) {
        return tableFrame * SplitAbi.PAGE_SIZE + gref * SplitAbi.GRANT_ENTRY_SIZE;
    }

    /** A whole frame of the guest's RAM, not given back by a balloon. */
    private boolean isRam(int frame) {
        return Integer.compareUnsigned(frame, memory.frames()) < 0 && !memory.isBallooned(frame);
    }

    private static boolean inPage(int offset, int length) {
        return offset >= 0 && length >= 0 && offset <= SplitAbi.PAGE_SIZE - length;
    }
}
