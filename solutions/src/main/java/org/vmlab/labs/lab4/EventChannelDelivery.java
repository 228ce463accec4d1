package org.vmlab.labs.lab4;

import org.vmlab.cpu.paravirt.EventDelivery;
import org.vmlab.cpu.paravirt.SharedInfo;
import org.vmlab.vmm.VirtualMachine;

/**
 * Lab 4: event-channel delivery through the shared-info page, as Xen's 2-level event channels do
 * it ({@code xen/common/event_2l.c}). The guest masks and unmasks its events with plain stores to
 * the page, which cost no exit; the hypervisor marks events in the page's bitmaps, and enters the
 * guest's event callback only when the guest has said, in the page, that it may.
 */
public final class EventChannelDelivery implements EventDelivery {

    @Override
    public void raise(VirtualMachine vm, SharedInfo shared, int port) {
        // BEGIN SOLUTION: set the port's pending bit; only a port that becomes pending and is not masked marks the upcall pending
        int bit = 1 << port;
        int pending = shared.pendingPorts();
        if ((pending & bit) != 0) {
            return;   // already pending: the events merge into one, and the guest was told
        }
        shared.setPendingPorts(pending | bit);
        if ((shared.maskedPorts() & bit) == 0) {
            EventDelivery.markUpcallPending(vm, shared);
        }
        // END SOLUTION
    }

    @Override
    public void unmask(VirtualMachine vm, SharedInfo shared, int port) {
        // BEGIN SOLUTION: clear the port's mask bit; an event already pending on it marks the upcall pending
        int bit = 1 << port;
        shared.setMaskedPorts(shared.maskedPorts() & ~bit);
        if ((shared.pendingPorts() & bit) != 0) {
            EventDelivery.markUpcallPending(vm, shared);
        }
        // END SOLUTION
    }

    @Override
    public boolean deliverUpcall(VirtualMachine vm, SharedInfo shared, int callback) {
        // BEGIN SOLUTION: enter the event callback only if an upcall is pending, events are not masked (the vCPU's virtual IF) and a callback is registered
        if (callback == 0 || !vm.vcpu().virtualInterruptsEnabled() || !shared.upcallPending()) {
            return false;
        }
        EventDelivery.enterCallback(vm, callback);
        return true;
        // END SOLUTION
    }
}
