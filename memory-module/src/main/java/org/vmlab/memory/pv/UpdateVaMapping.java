package org.vmlab.memory.pv;

import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.VirtualMachine;

/**
 * {@code update_va_mapping(va, entry, flags)}, Xen's {@code __HYPERVISOR_update_va_mapping}: the
 * level-1 entry that maps {@code va} in the current address space becomes {@code entry},
 * validated, without the guest having to find the table's machine address; then, as
 * {@code flags} say, the TLB entry of {@code va} or the whole TLB is dropped.
 */
final class UpdateVaMapping implements HypercallTable.Hypercall {
    /** {@code __HYPERVISOR_update_va_mapping}. */
    static final int NUMBER = 14;
    /** Flags: nothing flushed. */
    static final int UVMF_NONE = 0;
    /** Flags: the whole TLB flushed. */
    static final int UVMF_TLB_FLUSH = 1;
    /** Flags: the TLB entry of {@code va} dropped. */
    static final int UVMF_INVLPG = 2;

    private final DirectPaging paging;

    UpdateVaMapping(DirectPaging paging) {
        this.paging = paging;
    }

    @Override
    public int call(VirtualMachine vm, HypercallTable.Arguments args) {
        int va = args.a1();
        int flags = args.a3();
        if (flags != UVMF_NONE && flags != UVMF_TLB_FLUSH && flags != UVMF_INVLPG) {
            return -Errno.EINVAL;
        }
        int pde = paging.directoryEntry(va);
        if ((pde & Pte.PRESENT) == 0) {
            return -Errno.EINVAL;   // no page table maps va (or no address space yet)
        }
        int pointer = (pde & Pte.FRAME_MASK) | Pte.tableIndex(va) << 2;
        if (paging.table().type(pointer >>> PhysicalMemory.PAGE_SHIFT) != PageType.L1) {
            return -Errno.EINVAL;   // cannot be: a validated directory entry points at a pinned table
        }
        int result = paging.update(pointer | MmuUpdate.MMU_NORMAL_PT_UPDATE, args.a2());
        if (result == 0 && flags == UVMF_INVLPG) {
            paging.invalidatePage(va);
        } else if (result == 0 && flags == UVMF_TLB_FLUSH) {
            paging.flushTlb();
        }
        return result;
    }
}
