package org.vmlab.labs.lab4;

import org.vmlab.machine.memory.Pte;
import org.vmlab.memory.pv.PageTableValidator;
import org.vmlab.memory.pv.PageType;

/**
 * Lab 4: the rules of direct paging. The guest's own page tables are the ones the real MMU walks,
 * and they hold machine frame numbers; the guest changes them only by hypercall, and the
 * hypervisor asks these rules before every change to a pinned table and before every pin. What
 * they refuse, the guest can never map: they are the whole of the VM's memory isolation. Xen
 * applies them in {@code get_page_from_l1e}, {@code get_page_from_l2e}, {@code alloc_l1_table}
 * and {@code alloc_l2_table} ({@code xen/arch/x86/mm.c}).
 */
public final class DirectPagingRules implements PageTableValidator {

    @Override
    public boolean l1Entry(Frames frames, int entry) {
        // BEGIN SOLUTION: a present page-table entry may map a device page or one of the VM's own frames, a pinned frame only read-only and for the kernel
        if ((entry & Pte.PRESENT) == 0) {
            return true;
        }
        int target = entry >>> 12;
        if (frames.isDevicePage(target)) {
            return true;   // every access to it traps to the hypervisor, which emulates it
        }
        if (!frames.owns(target)) {
            return false;   // another VM's frame, the hypervisor's, or no frame at all
        }
        // Neither the guest's kernel nor its user code may write a table behind the hypervisor's back.
        return frames.type(target) == PageType.NONE || (entry & (Pte.WRITABLE | Pte.USER)) == 0;
        // END SOLUTION
    }

    @Override
    public boolean l2Entry(Frames frames, int entry) {
        // BEGIN SOLUTION: a present directory entry must point at a pinned page table of the VM's, and map no 4 MiB page
        if ((entry & Pte.PRESENT) == 0) {
            return true;
        }
        int target = entry >>> 12;
        return (entry & LARGE_PAGE) == 0 && frames.owns(target) && frames.type(target) == PageType.L1;
        // END SOLUTION
    }

    @Override
    public boolean frame(Frames frames, int mfn, PageType type, int[] entries) {
        // BEGIN SOLUTION: refuse a frame the guest can still write through a validated mapping; then validate every entry for the type, the frame itself counted as pinned
        if (frames.writableMappings(mfn) != 0) {
            return false;   // the guest could write it through that mapping: it cannot become read-only
        }
        for (int entry : entries) {
            if (type == PageType.L2) {
                if (!l2Entry(frames, entry)) {
                    return false;
                }
                continue;
            }
            // The frame is not pinned yet, so l1Entry lets it map itself as it likes: it may not.
            boolean mapsItself = (entry & Pte.PRESENT) != 0 && entry >>> 12 == mfn;
            if (!l1Entry(frames, entry) || mapsItself && (entry & (Pte.WRITABLE | Pte.USER)) != 0) {
                return false;
            }
        }
        return true;
        // END SOLUTION
    }
}
