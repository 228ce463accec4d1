package org.vmlab.cpu.paravirt;

import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.VirtualMachine;

/**
 * The interrupts of the VM's emulated devices, as events: Xen's physical IRQs (pirqs), which the
 * hypervisor acknowledges and ends at the interrupt controller itself and passes on as an event
 * on the port the guest bound to the line. The guest never talks to the controller for them. A
 * line no port is bound to is acknowledged and dropped: nobody asked for it.
 */
final class PhysicalIrqs {
    private PhysicalIrqs() {
    }

    /**
     * The interrupt of {@code vector}, just acknowledged at the VM's controller: ended there, and
     * raised as an event on the port bound to its line, or dropped if there is none.
     */
    static void route(VirtualMachine vm, int vector, EventChannels channels, EventDelivery delivery,
            SharedInfo shared) {
        vm.devices().pic().endOfInterrupt();
        int port = channels.portOfPirq(vector - Vector.IRQ_BASE);
        if (port == 0) {
            vm.counters().add("pv.pirq.dropped", 1);
            return;
        }
        delivery.raise(vm, shared, port);
    }

    /**
     * Takes every interrupt the VM's controller could deliver now and routes it. The core injects
     * an interrupt only when the vCPU is interruptible; while the guest has events masked, its
     * interrupts are taken here, at each entry, so that they are pending when it unmasks.
     */
    static void takeDeliverable(VirtualMachine vm, EventChannels channels, EventDelivery delivery,
            SharedInfo shared) {
        InterruptController pic = vm.devices().pic();
        for (int line = 0; line < InterruptController.LINES && pic.hasDeliverable(); line++) {
            route(vm, pic.acknowledge(), channels, delivery, shared);
        }
    }
}
