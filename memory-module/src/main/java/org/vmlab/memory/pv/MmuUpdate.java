package org.vmlab.memory.pv;

import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.VirtualMachine;

/**
 * {@code mmu_update(requests, count, done, domain)}, Xen's {@code __HYPERVISOR_mmu_update}: a
 * batch of page-table writes for one exit. Each request is two words, Xen's {@code mmu_update}:
 * {@code ptr}, the machine address of the word to write with the command in its low two bits
 * (only {@link #MMU_NORMAL_PT_UPDATE}), and {@code val}, the new entry. They run in order and stop
 * at the first that fails; how many were done is written at {@code done} (unless it is 0).
 */
final class MmuUpdate implements HypercallTable.Hypercall {
    /** {@code __HYPERVISOR_mmu_update}. */
    static final int NUMBER = 1;
    /** The one command: write an entry (validated, if the frame is pinned). */
    static final int MMU_NORMAL_PT_UPDATE = 0;

    private final DirectPaging paging;

    MmuUpdate(DirectPaging paging) {
        this.paging = paging;
    }

    @Override
    public int call(VirtualMachine vm, HypercallTable.Arguments args) {
        return new Batch(vm, args, 2).run((v, request) -> paging.update(
                GuestCopy.fromGuestWord(v, request), GuestCopy.fromGuestWord(v, request + 4)));
    }
}
