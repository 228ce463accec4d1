package org.vmlab.memory.pv;

import org.vmlab.vmm.Errno;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.VirtualMachine;

/**
 * {@code mmuext_op(operations, count, done, domain)}, Xen's {@code __HYPERVISOR_mmuext_op}: a
 * batch of operations on the MMU for one exit, each three words, Xen's {@code mmuext_op}: the
 * command, {@code arg1} (a machine frame number or a virtual address) and {@code arg2} (unused).
 * They run in order and stop at the first that fails, as {@link MmuUpdate}'s requests.
 */
final class MmuextOp implements HypercallTable.Hypercall {
    /** {@code __HYPERVISOR_mmuext_op}. */
    static final int NUMBER = 26;
    static final int MMUEXT_PIN_L1_TABLE = 0;
    static final int MMUEXT_PIN_L2_TABLE = 1;
    static final int MMUEXT_UNPIN_TABLE = 4;
    static final int MMUEXT_NEW_BASEPTR = 5;
    static final int MMUEXT_TLB_FLUSH_LOCAL = 6;
    static final int MMUEXT_INVLPG_LOCAL = 7;

    private final DirectPaging paging;

    MmuextOp(DirectPaging paging) {
        this.paging = paging;
    }

    @Override
    public int call(VirtualMachine vm, HypercallTable.Arguments args) {
        return new Batch(vm, args, 3).run((v, op) -> run(GuestCopy.fromGuestWord(v, op),
                GuestCopy.fromGuestWord(v, op + 4)));
    }

    private int run(int command, int arg1) {
        switch (command) {
            case MMUEXT_PIN_L1_TABLE:
                return paging.pin(arg1, PageType.L1);
            case MMUEXT_PIN_L2_TABLE:
                return paging.pin(arg1, PageType.L2);
            case MMUEXT_UNPIN_TABLE:
                return paging.unpin(arg1);
            case MMUEXT_NEW_BASEPTR:
                return paging.newBase(arg1);
            case MMUEXT_TLB_FLUSH_LOCAL:
                paging.flushTlb();
                return 0;
            case MMUEXT_INVLPG_LOCAL:
                paging.invalidatePage(arg1);
                return 0;
            default:
                return -Errno.EINVAL;
        }
    }
}
