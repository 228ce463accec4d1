package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/**
 * Xen's {@code iret} hypercall: the guest kernel returns from a trap handler, and enters user mode
 * the first time, through the hypervisor, from a frame on its stack (r1, pc, FLAGS, sp). The call
 * does not return to its caller, and r1 comes back from the frame, not as a result.
 */
class IretTest {
    private static final String KERNEL = """
                li sp, 0x9000
                li r1, 0            ; set_trap_table(table)
                li r2, table
                int 0x82
                li r1, 3            ; stack_switch(0, 0x9000)
                li r2, 0
                li r3, 0x9000
                int 0x82
                li r5, 0x7000       ; into user mode: the interrupted sp,
                push r5
                li r5, 0x3000       ; FLAGS with ring 3,
                push r5
                li r5, user         ; pc,
                push r5
                li r1, 1234         ; and r1
                push r1
                li r1, 23           ; iret()
                int 0x82
                li r13, 1           ; never runs: iret does not return here
            user:
                mov r7, r1          ; r1 as the frame gave it
                smsw r6             ; the ring, as user code sees it
                int 0x80            ; a system call, and back
                addi r9, r9, 1
                int 0x80            ; the second ends it
            syscall:
                addi r8, r8, 1
                cmpi r8, 2
                beq finish
                addi sp, sp, 4      ; drop the error code
                push r1
                li r1, 23
                int 0x82            ; iret() to user mode, after the int
            finish:
                li r1, 29
                li r2, 2
                li r3, poweroff
                int 0x82
            table:
                .word 0x0380, syscall
                .word 0, 0
            poweroff:
                .word 0
            """;

    @Test
    void theKernelEntersUserModeAndReturnsFromASystemCallByHypercall() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.LEGACY, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()), KERNEL);
        vm.switchOut();

        vm.run();

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(vm.vcpu().register(13)).isZero();
        assertThat(vm.vcpu().register(7)).as("r1 from the frame, not a result").isEqualTo(1234);
        assertThat(vm.vcpu().register(6) >>> 8 & 3).as("user code ran in ring 3").isEqualTo(3);
        assertThat(vm.vcpu().register(9)).as("user code went on after its first system call").isEqualTo(1);
        assertThat(vm.vcpu().register(8)).isEqualTo(2);
        assertThat(vm.counters().named("pv.hypercall.iret")).isEqualTo(2);
        assertThat(vm.counters().exits(Exit.PrivilegedInstruction.KIND)).isZero();
    }

    @Test
    void aFrameOutOfReachIsAFaultTheGuestTakesAtTheHypercall() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()), """
                    li sp, 0x7FFF0000
                    li r1, 23
                    int 0x82
                """);
        vm.switchOut();

        vm.run();

        assertThat(vm.vcpu().stopReason()).as("no trap table: the fault cannot be delivered")
                .isEqualTo(StopReason.TRIPLE_FAULT);
        assertThat(vm.vcpu().stopDetail()).contains("pc=0x00001010");
    }
}
