package org.vmlab.machine.device;

import org.vmlab.machine.Clock;

/**
 * The board the devices sit on: a clock, the port and memory-mapped buses, the interrupt
 * controller, and the standard device models attached to them, doing DMA through one
 * {@link DmaSpace}. The bare machine has one; so does every VM, whose devices the VMM emulates on
 * a clock that counts the guest's own time.
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

    /** The device models themselves. */
    public StandardDevices devices() {
        return devices;
    }

    /** What the devices let an observer see of a run. */
    public DeviceObservables observables() {
        return devices;
    }
}
