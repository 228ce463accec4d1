package org.vmlab.memory.pv;

import org.vmlab.machine.memory.Pte;

/**
 * The rules of direct paging as Xen applies them ({@code get_page_from_l1e},
 * {@code get_page_from_l2e}, {@code alloc_l1_table}, {@code alloc_l2_table} in
 * {@code xen/arch/x86/mm.c}), for this machine's two levels.
 */
public final class ReferenceValidator implements PageTableValidator {
    /**
     * Bit 7 of a directory entry, which on the x86 (its {@code PS}) makes the entry map a 4 MiB
     * page. This machine has no such pages; the bit is refused so that it never will mean one.
     */
    public static final int LARGE_PAGE = 1 << 7;

    /**
     * A present entry maps one of the VM's frames or one of its device pages; a pinned frame only
     * read-only and for the kernel, so that neither the guest's kernel nor its user code can write
     * a table behind the hypervisor's back.
     */
    @Override
    public boolean l1Entry(Frames frames, int entry) {
        if ((entry & Pte.PRESENT) == 0) {
            return true;
        }
        int target = entry >>> 12;
        if (frames.isDevicePage(target)) {
            return true;   // every access to it traps to the hypervisor, which emulates it
        }
        if (!frames.owns(target)) {
            return false;
        }
        return frames.type(target) == PageType.NONE || (entry & (Pte.WRITABLE | Pte.USER)) == 0;
    }

    /** A present entry points at a pinned page table, and maps no large page. */
    @Override
    public boolean l2Entry(Frames frames, int entry) {
        if ((entry & Pte.PRESENT) == 0) {
            return true;
        }
        int target = entry >>> 12;
        return (entry & LARGE_PAGE) == 0 && frames.owns(target) && frames.type(target) == PageType.L1;
    }

    @Override
    public boolean frame(Frames frames, int mfn, PageType type, int[] entries) {
        if (frames.writableMappings(mfn) != 0) {
            return false;   // the guest could write it through that mapping: not read-only yet
        }
        for (int entry : entries) {
            if (type == PageType.L1) {
                if (!l1Entry(frames, entry) || mapsItself(mfn, entry)) {
                    return false;
                }
            } else if (!l2Entry(frames, entry)) {
                return false;
            }
        }
        return true;
    }

    /** An entry of the frame being pinned that maps it writable or for user code, as it becomes pinned. */
    private static boolean mapsItself(int mfn, int entry) {
        return (entry & Pte.PRESENT) != 0 && entry >>> 12 == mfn && (entry & (Pte.WRITABLE | Pte.USER)) != 0;
    }
}
