package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.vmm.DomainEvents;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.VirtualMachine;

/**
 * The paravirtual guest's event channels as a back end in domain 0 reaches them
 * ({@link DomainEvents}): it connects to a port the guest allocated for domain 0 only, the guest's
 * {@code send} there runs the back end at once, and the back end's notification is an event the
 * guest takes as any other.
 */
class BackendEventsTest {
    private static final String KERNEL = """
                li r1, 32               ; event_channel_op(alloc_unbound, {SELF, 0, port})
                li r2, 6
                li r3, alloc
                int 0x82
                sw r1, alloc_result(r0)
                li r1, 32               ; event_channel_op(send, {port}): the back end, connected meanwhile
                li r2, 4
                li r3, alloc + 8
                int 0x82
                sw r1, send_result(r0)
                jmp shutdown
            alloc:          .word 0x7FF0, 0, 0
            alloc_result:   .word 0x5555
            send_result:    .word 0x5555
            """;

    @Test
    void aBackEndConnectsToAPortForDomainZeroIsNotifiedBySendAndNotifiesTheGuest() {
        VirtualMachine vm = PvKernel.load(DeviceConfig.defaults(), KERNEL);
        DomainEvents domain = vm.cpuVirtualization().domainEvents().orElseThrow();
        int[] notified = {0};
        int port = ((Paravirtualization) vm.cpuVirtualization()).channels().freePort();
        assertThat(domain.connect(port, () -> notified[0]++)).as("not allocated yet").isEqualTo(-Errno.EINVAL);

        // The guest allocates its port and then sends on it: connect between the two hypercalls.
        vm.switchIn();
        while (!((Paravirtualization) vm.cpuVirtualization()).channels().inUse(port)) {
            vm.runSlice(1);
        }
        assertThat(domain.connect(port, () -> notified[0]++)).isZero();
        assertThat(domain.connect(port, () -> notified[0]++)).as("connected already").isEqualTo(-Errno.EINVAL);
        while (!vm.stopped()) {
            vm.runSlice(1);
        }
        vm.switchOut();

        assertThat(PvKernel.word(vm, "alloc_result")).isZero();
        assertThat(vm.memory().readWord(TinyVm.symbol(vm, "alloc") + 8)).isEqualTo(port);
        assertThat(PvKernel.word(vm, "send_result")).isZero();
        assertThat(notified[0]).isEqualTo(1);

        domain.notify(port);
        assertThat(PvKernel.shared(vm).pendingPorts() & 1 << port).as("an event on the guest's port").isNotZero();
    }

    @Test
    void aPortForThisDomainIsNotABackEndsToConnect() {
        VirtualMachine vm = PvKernel.load(DeviceConfig.defaults(), "    jmp shutdown\n");
        Paravirtualization pv = (Paravirtualization) vm.cpuVirtualization();
        int loopback = pv.channels().allocUnbound(XenAbi.DOMID_SELF, XenAbi.DOMID_SELF);

        assertThat(pv.domainEvents().orElseThrow().connect(loopback, () -> { })).isEqualTo(-Errno.EINVAL);
        pv.domainEvents().orElseThrow().notify(loopback);
        assertThat(PvKernel.shared(vm).pendingPorts() & 1 << loopback).as("not a back end's port").isZero();
    }
}
