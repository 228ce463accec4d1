package org.vmlab.cpu.paravirt;

import org.vmlab.cpu.TinyVm;
import org.vmlab.labs.lab4.PvDomain;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.VirtualMachine;

/**
 * Small paravirtual kernels for the tests, Lab 4's ({@link PvDomain#source}) run in a {@link TinyVm}
 * with the reference delivery: a prologue that keeps the start-info page in
 * {@code r12} and the shared-info page in {@code r11}, sets a stack and registers an event
 * callback; the callback, which takes the pending unmasked ports (ORing them into {@code r9},
 * counting upcalls in {@code r10}, keeping the frame's return pc and FLAGS at {@code upcall_pc}
 * and {@code upcall_flags}) and returns with {@code iret}; and {@code shutdown}, a label that
 * powers off. Events masked at the start as the builder leaves them.
 */
final class PvKernel {
    private PvKernel() {
    }

    /** A VM, not yet run, with {@code body} between the prologue and the epilogue. */
    static VirtualMachine load(DeviceConfig devices, String body) {
        VirtualMachine vm = TinyVm.create(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()), devices);
        vm.load(TinyVm.kernel(PvDomain.source(body)));
        return vm;
    }

    /** Runs {@code body} to its end. */
    static VirtualMachine run(String body) {
        return run(DeviceConfig.defaults(), body);
    }

    static VirtualMachine run(DeviceConfig devices, String body) {
        VirtualMachine vm = load(devices, body);
        vm.run();
        return vm;
    }

    /** What the builder handed the kernel of {@code vm}. */
    static StartInfo startInfo(VirtualMachine vm) {
        return PvDomain.startInfo(vm);
    }

    /** The shared-info page of {@code vm}, as the hypervisor reads it. */
    static SharedInfo shared(VirtualMachine vm) {
        return PvDomain.shared(vm);
    }

    /** The word at label {@code name}. */
    static int word(VirtualMachine vm, String name) {
        return vm.memory().readWord(TinyVm.symbol(vm, name));
    }
}
