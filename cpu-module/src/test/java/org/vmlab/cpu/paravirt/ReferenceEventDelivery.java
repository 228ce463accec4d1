package org.vmlab.cpu.paravirt;

import org.vmlab.vmm.VirtualMachine;

/**
 * Xen's rules of event delivery (docs/paravirt.md, "Events"), for this module's own tests, which
 * cannot see Lab 4's reference: an event marks its port pending, and the upcall pending only if
 * the port was not pending already and is not masked; unmasking a pending port marks the upcall
 * pending; the upcall is delivered only while it is pending, events are unmasked and a callback
 * is registered.
 */
final class ReferenceEventDelivery implements EventDelivery {
    @Override
    public void raise(VirtualMachine vm, SharedInfo shared, int port) {
        int mask = 1 << port;
        boolean newlyPending = (shared.pendingPorts() & mask) == 0;
        shared.setPendingPorts(shared.pendingPorts() | mask);
        if (newlyPending && (shared.maskedPorts() & mask) == 0) {
            EventDelivery.markUpcallPending(vm, shared);
        }
    }

    @Override
    public void unmask(VirtualMachine vm, SharedInfo shared, int port) {
        int mask = 1 << port;
        shared.setMaskedPorts(shared.maskedPorts() & ~mask);
        if ((shared.pendingPorts() & mask) != 0) {
            EventDelivery.markUpcallPending(vm, shared);
        }
    }

    @Override
    public boolean deliverUpcall(VirtualMachine vm, SharedInfo shared, int callback) {
        boolean wanted = shared.upcallPending() && vm.vcpu().virtualInterruptsEnabled() && callback != 0;
        if (wanted) {
            EventDelivery.enterCallback(vm, callback);
        }
        return wanted;
    }
}
