package org.vmlab.machine.device;

import org.vmlab.machine.Clock;

/**
 * The board the devices sit on: a clock, the port and memory-mapped buses, the interrupt
 * controller, and the standard device models attached to them, doing DMA through one
 * {@link DmaSpace}. The bare machine has one; so does every VM ({@code vm.devices()}), whose
 * devices the VMM emulates (hypervisor-direct) on a clock that counts the guest's own ticks, not
 * the machine's, so that a device interrupts the guest at the very instruction it would on bare
 * metal, and whose DMA reaches the VM's guest-physical memory only.
 */
public final class Board {
    private final Clock clock = new Clock();
    private final IoBus io = new IoBus();
    private final MmioBus mmio = new MmioBus();
    private final InterruptController pic = new InterruptController();
    private final StandardDevices devices;

    /**
     * @param dma    what the devices reach by DMA
     * @param config the devices' configuration
     */
    public Board(DmaSpace dma, DeviceConfig config) {
        this.devices = StandardDevices.attach(clock, pic, io, mmio, dma, config);
    }

    public Clock clock() {
        return clock;
    }

    public IoBus io() {
        return io;
    }

    public MmioBus mmio() {
        return mmio;
    }

    public InterruptController pic() {
        return pic;
    }

    /** The standard device models themselves: timer, console, disk, NIC. */
    public StandardDevices standard() {
        return devices;
    }

    /** What the devices let an observer see of a run. */
    public DeviceObservables observables() {
        return devices;
    }
}
