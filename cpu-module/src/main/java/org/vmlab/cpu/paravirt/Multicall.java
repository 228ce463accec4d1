package org.vmlab.cpu.paravirt;

import org.vmlab.machine.Fault;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.VirtualMachine;

/**
 * {@code multicall(list, count)}: several hypercalls for the price of one exit, as Xen's
 * {@code __HYPERVISOR_multicall}. The list is Xen's {@code multicall_entry} array in this
 * machine's words, eight per entry: the call's number, its result (written back), and six
 * arguments (the first five used). The calls run in order, each as if made by itself; a call that
 * stops the VM ends the batch. A multicall within one returns {@code -EINVAL}, an unknown number
 * {@code -ENOSYS}, each in its entry.
 */
final class Multicall {
    private Multicall() {
    }

    static int run(VirtualMachine vm, HypercallTable.Arguments args) {
        int list = args.a1();
        int count = args.a2();
        if (count < 0 || count > XenAbi.MULTICALL_MAX_ENTRIES) {
            return -Errno.EINVAL;
        }
        vm.counters().add("pv.multicall.entries", count);
        try {
            for (int i = 0; i < count && !vm.stopped(); i++) {
                int entry = list + 4 * XenAbi.MULTICALL_ENTRY_WORDS * i;
                int result = call(vm, entry);
                GuestCopy.toGuestWord(vm, entry + 4, result);
            }
        } catch (Fault f) {
            return -Errno.EFAULT;
        }
        return 0;
    }

    private static int call(VirtualMachine vm, int entry) {
        int number = GuestCopy.fromGuestWord(vm, entry);
        HypercallTable.Arguments arguments = new HypercallTable.Arguments(GuestCopy.fromGuestWord(vm, entry + 8),
                GuestCopy.fromGuestWord(vm, entry + 12), GuestCopy.fromGuestWord(vm, entry + 16),
                GuestCopy.fromGuestWord(vm, entry + 20), GuestCopy.fromGuestWord(vm, entry + 24));
        if (number == XenAbi.MULTICALL) {
            return -Errno.EINVAL;   // a multicall may not nest, as in Xen
        }
        HypercallTable.Entry call = vm.hypercalls().lookup(number);
        if (call == null) {
            return -Errno.ENOSYS;
        }
        return call.handler().call(vm, arguments);
    }
}
