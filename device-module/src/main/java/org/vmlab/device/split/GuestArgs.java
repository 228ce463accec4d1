package org.vmlab.device.split;

import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.vmm.VirtualMachine;

/**
 * A hypercall's in-memory arguments, read and written as Xen's {@code copy_from_guest} and
 * {@code copy_to_guest} do: by guest-virtual address through the guest kernel's own page tables,
 * only to and from the guest's RAM, word-aligned. A pointer that does not lead there is thrown
 * as a {@link Fault}, which the hypercall turns into {@code -EFAULT} before it changes anything.
 */
final class GuestArgs {
    private GuestArgs() {
    }

    static int read(VirtualMachine vm, int va) {
        return vm.memory().readWord(ram(vm, va, Mmu.READ));
    }

    /** Checks, without writing, that the word at {@code va} could be written. */
    static void checkWritable(VirtualMachine vm, int va) {
        ram(vm, va, Mmu.WRITE);
    }

    static void write(VirtualMachine vm, int va, int value) {
        vm.memory().writeWord(ram(vm, va, Mmu.WRITE), value);
    }

    private static int ram(VirtualMachine vm, int va, int access) {
        if ((va & 3) != 0) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        int gpa = vm.guestMemory().translate(va, access, 0);
        if (!vm.memory().isRam(gpa) || !vm.memory().isRam(gpa + 3)) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        return gpa;
    }
}
