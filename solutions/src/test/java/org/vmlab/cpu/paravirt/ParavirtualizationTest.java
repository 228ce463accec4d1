package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/**
 * Paravirtualization's CPU side: the guest kernel, in ring 1, calls the hypervisor with
 * {@code int 0x82}; it registers a trap table through which the hypervisor delivers its
 * exceptions and system calls; it writes its console and shuts down by hypercall.
 */
class ParavirtualizationTest {
    /** A kernel that registers a divide-error handler, writes "hi", divides by zero; the handler shuts down. */
    private static final String KERNEL = """
                li sp, 0x9000
                li r1, 0            ; set_trap_table(table)
                li r2, table
                int 0x82
                mov r10, r1
                li r1, 3            ; stack_switch(0, 0x8000)
                li r2, 0
                li r3, 0x8000
                int 0x82
                li r1, 18           ; console_io(CONSOLEIO_write, 2, msg)
                li r2, 0
                li r3, 2
                li r4, msg
                int 0x82
                mov r12, r1
                li r5, 0
                div r6, r5, r5      ; divide error: through the trap table
                li r13, 1           ; never runs
            divide:
                li r11, 77
                li r1, 29           ; sched_op(SCHEDOP_shutdown, &poweroff)
                li r2, 2
                li r3, poweroff
                int 0x82
            table:
                .word 0x0000, divide     ; vector 0, ring 0
                .word 0x0380, syscall    ; vector 0x80, ring 3
                .word 0, 0
            syscall:
                li r1, 29
                li r2, 2
                li r3, poweroff
                int 0x82
            msg:
                .ascii "hi"
                .align 4
            poweroff:
                .word 0
            """;

    private final Paravirtualization technique = new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery());

    private VirtualMachine run(IsaVariant isa, String kernel) {
        VirtualMachine vm = TinyVm.withKernel(isa, technique, kernel);
        vm.switchOut();
        vm.run();
        return vm;
    }

    @Test
    void theKernelRegistersItsTrapTableWritesItsConsoleAndShutsDownByHypercall() {
        VirtualMachine vm = run(IsaVariant.CLASSIC, KERNEL);

        assertThat(vm.vcpu().register(10)).as("set_trap_table's result").isZero();
        assertThat(vm.vcpu().register(12)).as("console_io's result").isZero();
        assertThat(vm.devices().standard().console().output()).isEqualTo("hi");
        assertThat(vm.vcpu().register(11)).as("the divide error reached the registered handler").isEqualTo(77);
        assertThat(vm.vcpu().register(13)).isZero();
        assertThat(vm.vcpu().stopReason()).isEqualTo(StopReason.HALT);
        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
    }

    @Test
    void everyHypercallIsAnExitChargedAndCountedByName() {
        VirtualMachine vm = run(IsaVariant.CLASSIC, KERNEL);

        assertThat(vm.counters().exits(Exit.Hypercall.KIND)).isEqualTo(4);
        assertThat(vm.counters().events(ParavirtEvent.HYPERCALL)).isEqualTo(4);
        assertThat(vm.counters().named("pv.hypercall.console_io")).isEqualTo(1);
        assertThat(vm.counters().named("pv.hypercall.sched_op")).isEqualTo(1);
        assertThat(vm.counters().events(CoreEvent.REFLECTION)).as("the divide error").isEqualTo(1);
        assertThat(vm.counters().exits(Exit.PrivilegedInstruction.KIND)).as("nothing traps to be emulated").isZero();
    }

    @Test
    void onTheLegacyIsaItRunsTheSame() {
        VirtualMachine vm = run(IsaVariant.LEGACY, KERNEL);

        assertThat(vm.devices().standard().console().output()).isEqualTo("hi");
        assertThat(vm.vcpu().register(11)).isEqualTo(77);
    }

    @Test
    void aSystemCallGoesToTheHandlerTheTrapTableGivesItsVector() {
        String kernel = KERNEL.replace("    li r5, 0\n", "    int 0x80\n");
        assertThat(kernel).isNotEqualTo(KERNEL);

        VirtualMachine vm = run(IsaVariant.CLASSIC, kernel);

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(vm.vcpu().register(11)).as("not the divide handler").isZero();
    }

    @Test
    void aTrapTablePointingOutsideTheGuestOnlyHurtsTheGuest() {
        // A hostile (or broken) kernel registers a handler beyond its memory: the hypervisor takes
        // the table as given, and the trap lands the guest on an address it cannot fetch from.
        String kernel = KERNEL.replace(".word 0x0000, divide", ".word 0x0000, 0x7FFF0000");
        assertThat(kernel).isNotEqualTo(KERNEL);

        VirtualMachine vm = run(IsaVariant.CLASSIC, kernel);

        assertThat(vm.vcpu().register(10)).as("set_trap_table took it").isZero();
        assertThat(vm.vcpu().stopReason()).as(vm.vcpu().stopDetail()).isEqualTo(StopReason.TRIPLE_FAULT);
        assertThat(vm.vcpu().register(11)).isZero();
    }

    @Test
    void aBadPointerIsEfaultAndAnUnknownCommandEnosys() {
        VirtualMachine vm = run(IsaVariant.CLASSIC, """
                    li r1, 0            ; set_trap_table at an address outside the guest
                    li r2, 0x7FFF0000
                    int 0x82
                    mov r5, r1
                    li r1, 18           ; console_io(write, 4, outside)
                    li r2, 0
                    li r3, 4
                    li r4, 0x7FFF0000
                    int 0x82
                    mov r6, r1
                    li r1, 18           ; console_io(7, ...)
                    li r2, 7
                    int 0x82
                    mov r7, r1
                    li r1, 29           ; sched_op(SCHEDOP_shutdown, &crash)
                    li r2, 2
                    li r3, crash
                    int 0x82
                crash:
                    .word 3
                """);

        assertThat(vm.vcpu().register(5)).isEqualTo(-Errno.EFAULT);
        assertThat(vm.vcpu().register(6)).isEqualTo(-Errno.EFAULT);
        assertThat(vm.vcpu().register(7)).isEqualTo(-Errno.ENOSYS);
        assertThat(vm.devices().standard().console().output()).as("a bad buffer writes nothing").isEmpty();
        assertThat(vm.vcpu().stopReason()).isEqualTo(StopReason.GUEST_ERROR);
    }

    @Test
    void aTrapTableWithoutAnEndIsRefusedAndChangesNothing() {
        StringBuilder entries = new StringBuilder();
        for (int v = 0; v <= Vector.COUNT; v++) {
            entries.append("    .word 0x0300, 0x2000\n");
        }
        VirtualMachine vm = run(IsaVariant.CLASSIC, """
                    li r1, 0
                    li r2, table
                    int 0x82
                    mov r5, r1
                    int 0x80            ; no gate registered: #GP, and no gate for that either
                table:
                """ + entries);

        assertThat(vm.vcpu().register(5)).isEqualTo(-Errno.EINVAL);
        assertThat(vm.vcpu().stopReason()).as("nothing was registered").isEqualTo(StopReason.TRIPLE_FAULT);
    }

    @Test
    void aHypercallFromUserModeIsAnIntLikeAnyOtherAndFaults() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, technique, """
                    li r1, 0
                    int 0x82
                """);
        TinyVm.enterRing(vm, 3);
        vm.switchOut();

        vm.run();

        assertThat(vm.counters().exits(Exit.Hypercall.KIND)).isZero();
        assertThat(vm.vcpu().stopReason()).as("no trap table: #GP, then no handler for it").isEqualTo(StopReason.TRIPLE_FAULT);
        assertThat(vm.vcpu().controlRegister(Registers.CR0)).isZero();
    }

    @Test
    void aPrivilegedInstructionHltIncludedIsTheGuestsGeneralProtectionFault() {
        VirtualMachine vm = run(IsaVariant.CLASSIC, """
                    li r1, 0                ; set_trap_table(table)
                    li r2, table
                    int 0x82
                    li sp, 0x9000
                halt:
                    hlt                     ; a paravirtual kernel blocks by hypercall instead
                    li r13, 1               ; never runs
                gp:
                    lw r12, 4(sp)           ; the frame's return pc
                    li r1, 29
                    li r2, 2
                    li r3, poweroff
                    int 0x82
                table:
                    .word 0x000D, gp
                    .word 0, 0
                poweroff:
                    .word 0
                """);

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(vm.vcpu().register(13)).isZero();
        assertThat(vm.vcpu().register(12)).as("at the hlt").isEqualTo(TinyVm.symbol(vm, "halt"));
        assertThat(vm.counters().exits(Exit.Halt.KIND)).isZero();
        assertThat(vm.counters().exits(Exit.GuestException.KIND)).isEqualTo(1);
    }

    @Test
    void portIoOfTheKernelIsEmulatedOnTheVmsDevicesAndFromUserModeIsAFault() {
        VirtualMachine vm = run(IsaVariant.LEGACY, """
                    li sp, 0x8000
                    li r1, 0
                    li r2, table
                    int 0x82
                    li r1, 3                ; stack_switch(0, 0x9000)
                    li r2, 0
                    li r3, 0x9000
                    int 0x82
                    li r5, 'A'
                    out 0x3F8, r5           ; the console's data port
                    li r5, 1234
                    out 0x40, r5            ; the timer's period
                    in r6, 0x40             ; read back
                    li r5, 0x7000           ; into user mode
                    push r5
                    li r5, 0x3000
                    push r5
                    li r5, user
                    push r5
                    push r1
                    li r1, 23
                    int 0x82
                user:
                    out 0x3F8, r5           ; from user mode: #GP, as on bare metal
                    li r13, 1
                gp:
                    li r1, 29
                    li r2, 2
                    li r3, poweroff
                    int 0x82
                table:
                    .word 0x000D, gp
                    .word 0, 0
                poweroff:
                    .word 0
                """);

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(vm.devices().standard().console().output()).isEqualTo("A");
        assertThat(vm.vcpu().register(6)).isEqualTo(1234);
        assertThat(vm.vcpu().register(13)).isZero();
        assertThat(vm.counters().exits(Exit.IoAccess.KIND)).isEqualTo(3);
        assertThat(vm.counters().events(CoreEvent.TRAP_AND_EMULATE)).isEqualTo(3);
        assertThat(vm.counters().events(CoreEvent.DEVICE_EMULATION)).isEqualTo(3);
        assertThat(vm.counters().exits(Exit.GuestException.KIND)).as("the user's out").isEqualTo(1);
    }

    @Test
    void xenVersionIsThreeZeroAndAnyOtherCommandEnosys() {
        VirtualMachine vm = run(IsaVariant.CLASSIC, """
                    li r1, 17
                    li r2, 0
                    int 0x82
                    mov r5, r1
                    li r1, 17
                    li r2, 1
                    int 0x82
                    mov r6, r1
                    li r1, 29
                    li r2, 2
                    li r3, poweroff
                    int 0x82
                poweroff:
                    .word 0
                """);

        assertThat(vm.vcpu().register(5)).isEqualTo(0x0003_0000);
        assertThat(vm.vcpu().register(6)).isEqualTo(-Errno.ENOSYS);
    }
}
