package org.vmlab.memory.pv;

import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.vmm.VirtualMachine;

/**
 * A hypercall's in-memory arguments, read and written as Xen's {@code copy_from_guest} and
 * {@code copy_to_guest} do: through the guest kernel's own mapping, only in the guest's RAM. A
 * word out of reach is thrown as a {@link Fault}, which the hypercall returns as {@code -EFAULT}.
 * (The paravirtual CPU's calls read theirs the same way.)
 */
final class GuestCopy {
    private GuestCopy() {
    }

    static int fromGuestWord(VirtualMachine vm, int va) {
        return vm.memory().readWord(ram(vm, va, Mmu.READ));
    }

    static void toGuestWord(VirtualMachine vm, int va, int value) {
        vm.memory().writeWord(ram(vm, va, Mmu.WRITE), value);
    }

    private static int ram(VirtualMachine vm, int va, int access) {
        if ((va & 3) != 0) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        int gpa = vm.guestMemory().translate(va, access, 0);
        if (!vm.memory().isRam(gpa)) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        return gpa;
    }
}
