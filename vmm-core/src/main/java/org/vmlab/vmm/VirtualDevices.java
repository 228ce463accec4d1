package org.vmlab.vmm;

import org.vmlab.machine.Clock;
import org.vmlab.machine.device.Board;
import org.vmlab.machine.device.BoundedDma;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.device.DeviceObservables;
import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.device.IoBus;
import org.vmlab.machine.device.MmioBus;
import org.vmlab.machine.device.StandardDevices;

/**
 * A VM's devices, emulated by the VMM (hypervisor-direct): the same device models as the bare
 * machine's, one set per VM, on the VM's own buses and interrupt controller, doing DMA into the
 * VM's guest-physical memory only: a {@link Board} of the VM's own.
 *
 * <p>Their clock is virtual time: it counts the guest's ticks (instructions retired plus time
 * waited in {@code hlt}), not the machine's, so a device interrupts the guest at the very same
 * instruction as on bare metal, however much time the VMM spends in between.
 */
public final class VirtualDevices {
    private final Board board;

    public VirtualDevices(GuestPhysicalMemory memory, DeviceConfig config) {
        this.board = new Board(new BoundedDma(memory, "guest RAM"), config);
    }

    public Clock clock() {
        return board.clock();
    }

    public IoBus io() {
        return board.io();
    }

    public MmioBus mmio() {
        return board.mmio();
    }

    public InterruptController pic() {
        return board.pic();
    }

    /** What the VM's devices let an observer see of its run. */
    public DeviceObservables observables() {
        return board.observables();
    }

    /** The VM's own device models: the machine's standard set, one per VM. */
    public StandardDevices standard() {
        return board.devices();
    }
}
