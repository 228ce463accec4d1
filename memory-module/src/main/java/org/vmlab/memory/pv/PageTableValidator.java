package org.vmlab.memory.pv;

/**
 * The rules of direct paging (docs/paravirt.md, "The paravirtual MMU"): which page-table
 * entries the hypervisor lets the guest write, and which frames it lets the guest pin. What
 * these rules refuse, the guest cannot map, however it builds its tables: that is the whole of
 * the VM's memory isolation under the paravirtual MMU. {@link PvMmu} asks them before every
 * change it makes to a pinned frame, and does what they allow. Xen applies them in
 * {@code get_page_from_l1e}, {@code get_page_from_l2e}, {@code alloc_l1_table} and
 * {@code alloc_l2_table} ({@code xen/arch/x86/mm.c}); Lab 4 writes them for this machine's two
 * levels ({@code org.vmlab.labs.lab4.DirectPagingRules}).
 */
public interface PageTableValidator {
    /**
     * Bit 7 of a directory entry, which on the x86 (its {@code PS}) makes the entry map a 4 MiB
     * page. This machine has no such pages; the rules refuse the bit, so that it never will mean one.
     */
    int LARGE_PAGE = 1 << 7;

    /** What the rules may ask about a machine frame. */
    interface Frames {
        /** True if {@code mfn} is one of the VM's own frames (not another VM's, not the hypervisor's). */
        boolean owns(int mfn);

        /** True if {@code mfn} is a page of one of the VM's device register windows, beyond RAM. */
        boolean isDevicePage(int mfn);

        /** {@code mfn}'s type: {@link PageType#NONE} unless it is pinned. */
        PageType type(int mfn);

        /** How many validated entries map {@code mfn} writable (present entries of pinned page tables). */
        int writableMappings(int mfn);
    }

    /** True if a pinned page table (level 1) may hold {@code entry}. */
    boolean l1Entry(Frames frames, int entry);

    /** True if a pinned page directory (level 2) may hold {@code entry}. */
    boolean l2Entry(Frames frames, int entry);

    /**
     * True if frame {@code mfn}, holding {@code entries} (its 1024 entries), may be pinned as
     * {@code type}: each entry as a pinned frame of that type may hold it, the frame itself counted
     * as pinned, and the frame may become read-only to the guest.
     */
    boolean frame(Frames frames, int mfn, PageType type, int[] entries);
}
