package org.vmlab.memory.pv;

/**
 * What a frame of the VM is to the hypervisor, as Xen's {@code page_info} type says: ordinary
 * memory, or a page table of one level. A frame has a table type only while it is pinned.
 */
public enum PageType {
    /** Ordinary memory, which the guest writes as it likes (Xen's {@code PGT_none}). */
    NONE,
    /** A page table, level 1: 1024 entries mapping 4 KiB pages ({@code PGT_l1_page_table}). */
    L1,
    /** A page directory, level 2: 1024 entries pointing at page tables ({@code PGT_l2_page_table}). */
    L2
}
