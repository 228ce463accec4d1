package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/** A multicall: several hypercalls for one exit, each with its result written back into its entry. */
class MulticallTest {
    private static VirtualMachine run(String kernel) {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()), kernel);
        vm.switchOut();
        vm.run();
        return vm;
    }

    private static String multicall(String list, String count) {
        return """
                    li r1, 13           ; multicall(list, count)
                    li r2, %s
                    li r3, %s
                    int 0x82
                    mov r10, r1
                    li r1, 29           ; sched_op(SCHEDOP_shutdown, &poweroff)
                    li r2, 2
                    li r3, poweroff
                    int 0x82
                poweroff:
                    .word 0
                ab: .ascii "ab"
                cd: .ascii "cd"
                    .align 4
                calls:
                    .word 18, 0x5555, 0, 2, ab, 0, 0, 0     ; console_io(write, 2, ab)
                    .word 18, 0x5555, 0, 2, cd, 0, 0, 0     ; console_io(write, 2, cd)
                    .word 99, 0x5555, 0, 0, 0, 0, 0, 0      ; no such call
                    .word 13, 0x5555, 0, 0, 0, 0, 0, 0      ; a multicall within
                """.formatted(list, count);
    }

    @Test
    void theCallsRunInOrderForOneExitAndEachResultLandsInItsEntry() {
        VirtualMachine vm = run(multicall("calls", "4"));
        int calls = TinyVm.symbol(vm, "calls");

        assertThat(vm.vcpu().register(10)).isZero();
        assertThat(vm.devices().standard().console().output()).isEqualTo("abcd");
        assertThat(vm.memory().readWord(calls + 4)).isZero();
        assertThat(vm.memory().readWord(calls + 32 + 4)).isZero();
        assertThat(vm.memory().readWord(calls + 64 + 4)).isEqualTo(-Errno.ENOSYS);
        assertThat(vm.memory().readWord(calls + 96 + 4)).as("no nesting").isEqualTo(-Errno.EINVAL);
        assertThat(vm.counters().exits(Exit.Hypercall.KIND)).as("the multicall and the shutdown").isEqualTo(2);
        assertThat(vm.counters().events(ParavirtEvent.HYPERCALL)).isEqualTo(2);
        assertThat(vm.counters().named("pv.hypercall.console_io")).isEqualTo(2);
        assertThat(vm.counters().named("pv.multicall.entries")).isEqualTo(4);
    }

    @Test
    void aMillionEntriesAreRefusedWithoutRunningAny() {
        VirtualMachine vm = run(multicall("calls", "1000000"));

        assertThat(vm.vcpu().register(10)).isEqualTo(-Errno.EINVAL);
        assertThat(vm.devices().standard().console().output()).isEmpty();
        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
    }

    @Test
    void aListOutsideTheGuestIsEfault() {
        VirtualMachine vm = run(multicall("0x7FFF0000", "2"));

        assertThat(vm.vcpu().register(10)).isEqualTo(-Errno.EFAULT);
        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
    }
}
