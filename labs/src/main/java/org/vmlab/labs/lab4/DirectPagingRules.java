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
        throw new UnsupportedOperationException("TODO(lab4): a present page-table entry may map a device page or one of the VM's own frames, a pinned frame only read-only and for the kernel");
    }

    @Override
    public boolean l2Entry(Frames frames, int entry) {
        throw new UnsupportedOperationException("TODO(lab4): a present directory entry must point at a pinned page table of the VM's, and map no 4 MiB page");
    }

    @Override
    public boolean frame(Frames frames, int mfn, PageType type, int[] entries) {
        throw new UnsupportedOperationException("TODO(lab4): refuse a frame the guest can still write through a validated mapping; then validate every entry for the type, the frame itself counted as pinned");
    }
}
