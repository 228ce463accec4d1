package org.vmlab.memory.pv;

import org.vmlab.machine.Fault;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.VirtualMachine;

/**
 * What {@code mmu_update} and {@code mmuext_op} share: the count, the domain and the
 * {@code done} word checked first, then each request in order until one fails.
 */
final class Batch {
    /** The calling domain, the only one a guest may name: Xen's {@code DOMID_SELF}. */
    static final int DOMID_SELF = 0x7FF0;
    /** The most requests (or operations) one call may carry. */
    static final int MAX_BATCH = 512;

    /** One request of the batch, at guest-virtual {@code address}; a guest fault reading it is thrown. */
    @FunctionalInterface
    interface Request {
        int run(VirtualMachine vm, int address);
    }

    private final VirtualMachine vm;
    private final HypercallTable.Arguments args;
    private final int words;

    /** A batch of {@code args}' requests, {@code words} words each. */
    Batch(VirtualMachine vm, HypercallTable.Arguments args, int words) {
        this.vm = vm;
        this.args = args;
        this.words = words;
    }

    int run(Request request) {
        int list = args.a1();
        int count = args.a2();
        int done = args.a3();
        if (count < 0 || count > MAX_BATCH) {
            return -Errno.EINVAL;
        }
        if (args.a4() != DOMID_SELF) {
            return -Errno.ESRCH;
        }
        if (!report(done, 0)) {
            return -Errno.EFAULT;   // nowhere to say how many were done: none is
        }
        vm.counters().add("pv.mmu.batches", 1);
        int result = 0;
        int i = 0;
        for (; i < count; i++) {
            vm.counters().add("pv.mmu.batched", 1);
            try {
                result = request.run(vm, list + 4 * words * i);
            } catch (Fault unreadable) {
                result = -Errno.EFAULT;
            }
            if (result != 0) {
                break;
            }
        }
        report(done, i);   // as Xen's, a done word that a request made unwritable is skipped
        return result;
    }

    private boolean report(int done, int value) {
        if (done == 0) {
            return true;
        }
        try {
            GuestCopy.toGuestWord(vm, done, value);
            return true;
        } catch (Fault f) {
            return false;
        }
    }
}
