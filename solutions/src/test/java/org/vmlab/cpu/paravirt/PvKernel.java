package org.vmlab.cpu.paravirt;

import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.VirtualMachine;

/**
 * Small paravirtual kernels for the tests: a prologue that keeps the start-info page in
 * {@code r12} and the shared-info page in {@code r11}, sets a stack and registers an event
 * callback; the callback, which takes the pending unmasked ports (ORing them into {@code r9},
 * counting upcalls in {@code r10}, keeping the frame's return pc and FLAGS at {@code upcall_pc}
 * and {@code upcall_flags}) and returns with {@code iret}; and {@code shutdown}, a label that
 * powers off. Run in a {@link TinyVm}, events masked at the start as the builder leaves them.
 */
final class PvKernel {
    private static final String PROLOGUE = """
                mov r12, r2             ; the start-info page
                lw r11, 8(r12)          ; the shared-info page
                li sp, 0x9000
                li r1, 4                ; set_callbacks(callback, 0)
                li r2, callback
                li r3, 0
                int 0x82
            """;

    private static final String EPILOGUE = """
            shutdown:
                li r1, 29               ; sched_op(SCHEDOP_shutdown, &poweroff)
                li r2, 2
                li r3, poweroff
                int 0x82
            poweroff:
                .word 0
            callback:
                push r5
                push r6
                push r7
                lw r5, 16(sp)           ; the frame above the three: error code, pc, FLAGS, sp
                li r6, upcall_pc
                sw r5, 0(r6)
                lw r5, 20(sp)
                li r6, upcall_flags
                sw r5, 0(r6)
                sw r0, 0(r11)           ; upcall pending <- 0
                lw r5, 64(r11)          ; the pending ports
                lw r6, 68(r11)          ; the masked ones
                li r7, -1
                xor r6, r6, r7
                and r5, r5, r6          ; pending and not masked: taken
                or r9, r9, r5
                xor r5, r5, r7
                lw r6, 64(r11)
                and r6, r6, r5
                sw r6, 64(r11)          ; their pending bits cleared
                addi r10, r10, 1
                pop r7
                pop r6
                pop r5
                addi sp, sp, 4          ; drop the error code
                push r1
                li r1, 23               ; iret()
                int 0x82
            upcall_pc:
                .word 0
            upcall_flags:
                .word 0
            """;

    private PvKernel() {
    }

    /** A VM, not yet run, with {@code body} between the prologue and the epilogue. */
    static VirtualMachine load(DeviceConfig devices, String body) {
        VirtualMachine vm = TinyVm.create(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()), devices);
        vm.load(TinyVm.kernel(PROLOGUE + body + EPILOGUE));
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
        return ((Paravirtualization) vm.cpuVirtualization()).startInfo();
    }

    /** The shared-info page of {@code vm}, as the hypervisor reads it. */
    static SharedInfo shared(VirtualMachine vm) {
        return new SharedInfo(vm.memory(), startInfo(vm).sharedInfo());
    }

    /** The word at label {@code name}. */
    static int word(VirtualMachine vm, String name) {
        return vm.memory().readWord(TinyVm.symbol(vm, name));
    }
}
