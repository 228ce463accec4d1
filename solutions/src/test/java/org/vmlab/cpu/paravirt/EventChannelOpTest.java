package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.VirtualMachine;

/**
 * {@code event_channel_op} as a guest calls it: each command with its errors, its argument read
 * and its port written back through the guest's memory; a call that fails writes nothing, and one
 * whose argument or out word is out of reach is {@code -EFAULT} having changed nothing.
 */
class EventChannelOpTest {
    /** At the top of RAM, an argument whose out word lies just past it. */
    private static final int EDGE = TinyVm.MEMORY - 8;

    private static final String KERNEL = """
                li r8, calls
                li r13, results
            next:
                lw r2, 0(r8)            ; the command
                cmpi r2, -1
                beq shutdown
                lw r3, 4(r8)            ; the argument
                li r1, 32               ; event_channel_op(cmd, arg)
                int 0x82
                sw r1, 0(r13)
                addi r8, r8, 8
                addi r13, r13, 4
                jmp next
            calls:
                .word 6, alloc_other_dom
                .word 6, alloc_other_remote
                .word 6, alloc_ok
                .word 0, bind_other_dom
                .word 0, bind_console
                .word 0, bind_store
                .word 0, bind_free
                .word 0, bind_range
                .word 0, bind_ok
                .word 1, virq_unknown
                .word 1, virq_vcpu
                .word 1, virq_console
                .word 2, pirq_line
                .word 2, pirq_ok
                .word 2, pirq_again
                .word 3, port_0
                .word 3, port_40
                .word 3, port_30
                .word 4, port_2
                .word 4, port_5
                .word 4, port_1
                .word 4, port_negative
                .word 9, port_30
                .word 9, port_0
                .word 5, port_1
                .word 6, 0x7FFF0000
                .word 6, alloc_misaligned + 2
                .word 6, 0xFFF8
                .word 6, alloc_after
                .word 3, port_4
                .word 0, bind_again
                .word 0xFFFFFFFF, 0
            alloc_other_dom:    .word 5, 0x7FF0, 0x5555
            alloc_other_remote: .word 0x7FF0, 1, 0x5555     ; 0 would be the back ends' domain
            alloc_ok:           .word 0x7FF0, 0x7FF0, 0x5555
            bind_other_dom:     .word 0, 3, 0x5555
            bind_console:       .word 0x7FF0, 2, 0x5555
            bind_store:         .word 0x7FF0, 1, 0x5555
            bind_free:          .word 0x7FF0, 30, 0x5555
            bind_range:         .word 0x7FF0, 99, 0x5555
            bind_ok:            .word 0x7FF0, 3, 0x5555
            virq_unknown:       .word 1, 0, 0x5555
            virq_vcpu:          .word 0, 1, 0x5555
            virq_console:       .word 2, 0, 0x5555
            pirq_line:          .word 8, 0, 0x5555
            pirq_ok:            .word 3, 0, 0x5555
            pirq_again:         .word 3, 0, 0x5555
            port_0:             .word 0
            port_1:             .word 1
            port_2:             .word 2
            port_4:             .word 4
            port_5:             .word 5
            port_30:            .word 30
            port_40:            .word 40
            port_negative:      .word 0xFFFFFFF9
            alloc_misaligned:   .word 0x7FF0, 0x7FF0, 0x5555
            alloc_after:        .word 0x7FF0, 0x7FF0, 0x5555
            bind_again:         .word 0x7FF0, 3, 0x5555
            results:
                .space 128
            """;

    private static final int[] EXPECTED = {
        -Errno.ESRCH, -Errno.ESRCH, 0,
        -Errno.ESRCH, -Errno.EINVAL, -Errno.EINVAL, -Errno.EINVAL, -Errno.EINVAL, 0,
        -Errno.EINVAL, -Errno.EINVAL, -Errno.EEXIST,
        -Errno.EINVAL, 0, -Errno.EEXIST,
        -Errno.EINVAL, -Errno.EINVAL, -Errno.EINVAL,
        -Errno.EINVAL, -Errno.EINVAL, 0, -Errno.EINVAL,
        -Errno.EINVAL, -Errno.EINVAL,
        -Errno.ENOSYS,
        -Errno.EFAULT, -Errno.EFAULT, -Errno.EFAULT, 0,
        0, 0,
    };

    private static VirtualMachine run() {
        VirtualMachine vm = PvKernel.load(DeviceConfig.defaults(), KERNEL);
        vm.memory().writeWord(EDGE, XenAbi.DOMID_SELF);
        vm.memory().writeWord(EDGE + 4, XenAbi.DOMID_SELF);
        vm.run();
        return vm;
    }

    @Test
    void eachCommandReturnsWhatTheInterfaceSays() {
        VirtualMachine vm = run();

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        int[] results = new int[EXPECTED.length];
        for (int i = 0; i < results.length; i++) {
            results[i] = vm.memory().readWord(TinyVm.symbol(vm, "results") + 4 * i);
        }
        assertThat(results).containsExactly(EXPECTED);
        assertThat(vm.counters().named("pv.hypercall.event_channel_op")).isEqualTo(EXPECTED.length);
    }

    @Test
    void theAllocatedPortsAreWrittenBackAndAFailedCallWritesNothing() {
        VirtualMachine vm = run();

        assertThat(out(vm, "alloc_ok")).as("after the builder's store and console ports").isEqualTo(3);
        assertThat(out(vm, "bind_ok")).isEqualTo(4);
        assertThat(out(vm, "pirq_ok")).isEqualTo(5);
        assertThat(out(vm, "alloc_after")).as("the call whose out word was out of reach took no port").isEqualTo(6);
        assertThat(out(vm, "bind_again")).as("the closed port, bound again").isEqualTo(4);
        for (String failed : new String[] {"alloc_other_dom", "bind_console", "virq_console", "pirq_again"}) {
            assertThat(out(vm, failed)).as(failed).isEqualTo(0x5555);
        }
        assertThat(out(vm, "alloc_misaligned")).isEqualTo(0x5555);
    }

    @Test
    void sendToAnUnboundPortCountsButRaisesNothing() {
        VirtualMachine vm = run();

        assertThat(vm.counters().named("pv.evtchn.sent")).isEqualTo(1);
        assertThat(vm.counters().named("pv.evtchn.pending")).isZero();
        assertThat(PvKernel.shared(vm).pendingPorts()).isZero();
    }

    private static int out(VirtualMachine vm, String argument) {
        return vm.memory().readWord(TinyVm.symbol(vm, argument) + 8);
    }
}
