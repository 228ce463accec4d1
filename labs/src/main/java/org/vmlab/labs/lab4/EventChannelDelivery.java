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
        throw new UnsupportedOperationException("TODO(lab4): set the port's pending bit; only a port that becomes pending and is not masked marks the upcall pending");
    }

    @Override
    public void unmask(VirtualMachine vm, SharedInfo shared, int port) {
        throw new UnsupportedOperationException("TODO(lab4): clear the port's mask bit; an event already pending on it marks the upcall pending");
    }

    @Override
    public boolean deliverUpcall(VirtualMachine vm, SharedInfo shared, int callback) {
        throw new UnsupportedOperationException("TODO(lab4): enter the event callback only if an upcall is pending, events are not masked (the vCPU's virtual IF) and a callback is registered");
    }
}
