package org.vmlab.memory.pv;

import org.vmlab.machine.memory.Pte;

/**
 * Xen's rules of direct paging (docs/paravirt.md, "The paravirtual MMU"), for this module's own
 * tests, which cannot see Lab 4's reference: a present page-table entry maps a device page, or a
 * frame of the VM's (a pinned one only read-only and for the kernel); a present directory entry
 * points at a pinned page table and maps no 4 MiB page; a frame is pinned when nothing maps it
 * writable and each of its entries is valid for its type, itself counted as pinned.
 */
final class ReferenceValidator implements PageTableValidator {
    private static final int WRITABLE_OR_USER = Pte.WRITABLE | Pte.USER;

    @Override
    public boolean l1Entry(Frames frames, int entry) {
        int mfn = entry >>> 12;
        if (!present(entry) || frames.isDevicePage(mfn)) {
            return true;
        }
        boolean readOnlyForTheKernel = (entry & WRITABLE_OR_USER) == 0;
        return frames.owns(mfn) && (readOnlyForTheKernel || frames.type(mfn) == PageType.NONE);
    }

    @Override
    public boolean l2Entry(Frames frames, int entry) {
        int mfn = entry >>> 12;
        boolean largePage = (entry & LARGE_PAGE) != 0;
        return !present(entry) || !largePage && frames.owns(mfn) && frames.type(mfn) == PageType.L1;
    }

    @Override
    public boolean frame(Frames frames, int mfn, PageType type, int[] entries) {
        boolean valid = frames.writableMappings(mfn) == 0;
        for (int i = 0; valid && i < entries.length; i++) {
            int entry = entries[i];
            boolean selfWritable = present(entry) && entry >>> 12 == mfn && (entry & WRITABLE_OR_USER) != 0;
            valid = type == PageType.L2 ? l2Entry(frames, entry) : l1Entry(frames, entry) && !selfWritable;
        }
        return valid;
    }

    private static boolean present(int entry) {
        return (entry & Pte.PRESENT) != 0;
    }
}
