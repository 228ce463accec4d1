package org.vmlab.memory.pv;

import org.vmlab.cpu.paravirt.EventDelivery;
import org.vmlab.cpu.paravirt.SharedInfo;
import org.vmlab.vmm.VirtualMachine;

/**
 * Event delivery for guests that use no events, as these tests' guests do: an event is only
 * marked pending, and no upcall is ever delivered. (Lab 4 writes the real rules.)
 */
final class NoEvents implements EventDelivery {
    @Override
    public void raise(VirtualMachine vm, SharedInfo shared, int port) {
        shared.setPendingPorts(shared.pendingPorts() | 1 << port);
    }

    @Override
    public void unmask(VirtualMachine vm, SharedInfo shared, int port) {
        shared.setMaskedPorts(shared.maskedPorts() & ~(1 << port));
    }

    @Override
    public boolean deliverUpcall(VirtualMachine vm, SharedInfo shared, int callback) {
        return false;
    }
}
