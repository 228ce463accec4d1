package org.vmlab.cpu.paravirt;

import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.vmm.VirtualMachine;

/**
 * Copying a hypercall's in-memory arguments from and to the guest, as Xen's
 * {@code copy_from_guest} and {@code copy_to_guest} do: through the guest kernel's own page
 * tables, and only to and from the guest's RAM, never a device register. A pointer that does not
 * lead there is thrown as a {@link Fault}, which the hypercall turns into {@code -EFAULT}.
 */
final class GuestCopy {
    private GuestCopy() {
    }

    static int fromGuestWord(VirtualMachine vm, int va) {
        return vm.memory().readWord(ram(vm, va, Mmu.READ, 4));
    }

    static int fromGuestByte(VirtualMachine vm, int va) {
        return vm.memory().readByte(ram(vm, va, Mmu.READ, 1));
    }

    static void toGuestWord(VirtualMachine vm, int va, int value) {
        vm.memory().writeWord(ram(vm, va, Mmu.WRITE, 4), value);
    }

    /**
     * Checks, without writing, that {@code va} is a word the guest kernel could write: for a call
     * that must know its result can be written back before it changes anything.
     */
    static void checkWritableWord(VirtualMachine vm, int va) {
        ram(vm, va, Mmu.WRITE, 4);
    }

    static void toGuestByte(VirtualMachine vm, int va, int value) {
        vm.memory().writeByte(ram(vm, va, Mmu.WRITE, 1), value);
    }

    private static int ram(VirtualMachine vm, int va, int access, int size) {
        if ((va & (size - 1)) != 0) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        int gpa = vm.guestMemory().translate(va, access, 0);
        if (!vm.memory().isRam(gpa)) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        return gpa;
    }
}
