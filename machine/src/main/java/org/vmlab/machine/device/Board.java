package org.vmlab.machine.device;

import java.util.Objects;
import java.util.Optional;
import org.vmlab.machine.Clock;
import org.vmlab.machine.memory.Ram;

/**
 * The board the devices sit on: a clock, the port and memory-mapped buses, the interrupt
 * controller, and the standard device models attached to them, doing DMA through one
 * {@link DmaSpace}. The bare machine has one; so does every VM ({@code vm.devices()}), whose
 * devices the VMM emulates (hypervisor-direct) on a clock that counts the guest's own ticks, not
 * the machine's, so that a device interrupts the guest at the very instruction it would on bare
 * metal, and whose DMA reaches the VM's guest-physical memory only.
 *
 * <p>Its state is a value ({@link #state()}, a {@link State}): the clock with every pending event,
 * and each device's registers and records. A snapshot or a migration takes it, builds a board
 * with the same {@link DeviceConfig} elsewhere, and {@linkplain #restore restores} it there.
 */
public final class Board {
    private final Clock clock = new Clock();
    private final IoBus io = new IoBus();
    private final MmioBus mmio = new MmioBus();
    private final InterruptController pic = new InterruptController();
    private final StandardDevices devices;
    private final Iommu iommu;

    /**
     * A board without an IOMMU, as every VM's.
     *
     * @param dma    what the devices reach by DMA
     * @param config the devices' configuration
     */
    public Board(DmaSpace dma, DeviceConfig config) {
        this(dma, config, DeviceWiring.STANDARD);
    }

    /**
     * A board without an IOMMU whose disk and network interface are wired as {@code wiring} says
     * (a VM's, by its device model).
     *
     * @param dma    what the devices reach by DMA, unless the wiring says otherwise
     * @param config the devices' configuration
     * @param wiring where the disk and the network interface do DMA and raise their lines
     */
    public Board(DmaSpace dma, DeviceConfig config, DeviceWiring wiring) {
        this.devices = StandardDevices.attach(clock, pic, io, mmio,
                wiring.dma(Iommu.SOURCE_DISK, dma), wiring.interrupts(Iommu.SOURCE_DISK, pic),
                wiring.dma(Iommu.SOURCE_NIC, dma), wiring.interrupts(Iommu.SOURCE_NIC, pic), config,
                dma instanceof BoundedDma bounded ? bounded.frames() : StandardDevices.ALL_FRAMES);
        this.iommu = null;
    }

    private Board(Ram memory, DeviceConfig config) {
        this.iommu = new Iommu(memory, pic);
        this.devices = StandardDevices.attach(clock, pic, io, mmio,
                iommu.dmaFor(Iommu.SOURCE_DISK), iommu.interruptsFor(Iommu.SOURCE_DISK),
                iommu.dmaFor(Iommu.SOURCE_NIC), iommu.interruptsFor(Iommu.SOURCE_NIC), config,
                memory.size() >>> 12);
        io.attach(Iommu.BASE, Iommu.PORTS, iommu);
    }

    /**
     * The machine's board: the devices reach {@code memory} and the interrupt controller through
     * an {@link Iommu} at its ports, disabled until a monitor enables it (then it is as if there
     * were none).
     */
    public static Board withIommu(Ram memory, DeviceConfig config) {
        return new Board(memory, config);
    }

    /** The IOMMU between the devices and memory, if the board has one. */
    public Optional<Iommu> iommu() {
        return Optional.ofNullable(iommu);
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

    /** The standard device models themselves: timer, console, disk, NIC, balloon. */
    public StandardDevices standard() {
        return devices;
    }

    /** What the devices let an observer see of a run. */
    public DeviceObservables observables() {
        return devices;
    }

    /** The board's state as a value: the clock and every device. */
    public State state() {
        return new State(clock.state(), pic.state(), devices.timer().state(),
                devices.console().state(), devices.disk().state(), devices.nic().state(),
                devices.balloon().state());
    }

    /**
     * Puts the board back to {@code state}, taken from a board built with the same
     * {@link DeviceConfig} (here, or on another machine): the clock first, with its pending events,
     * then each device, which takes back its own events from the clock. Nothing is run, no line is
     * raised and no DMA is done: the interrupt controller's lines are restored as they were.
     *
     * @param driverTick where the count that drives the clock stands now (the CPU's ticks), which
     *                   need not be the state's time ({@link Clock#restore})
     * @throws IllegalArgumentException if the state does not fit this board (a disk of another
     *                                  size, more console output than the cap, events the devices
     *                                  would not have pending); the board is then unchanged
     */
    public void restore(State state, long driverTick) {
        devices.timer().check(state.timer(), state.clock());
        devices.console().check(state.console());
        devices.disk().check(state.disk(), state.clock());
        devices.nic().check(state.clock());
        devices.balloon().check(state.balloon());
        clock.restore(state.clock(), driverTick);
        pic.restore(state.pic());
        devices.timer().restore(state.timer());
        devices.console().restore(state.console());
        devices.disk().restore(state.disk());
        devices.nic().restore(state.nic());
        devices.balloon().restore(state.balloon());
    }

    /**
     * A board's state: what a snapshot of a machine or a VM holds besides the processor and
     * memory. The buses' set-up (which windows trap to a monitor) is not here: it belongs to the
     * monitor, which sets it up again where the board is restored.
     *
     * @param clock   the time and every pending device event
     * @param pic     the interrupt controller
     * @param timer   the timer
     * @param console the console
     * @param disk    the disk
     * @param nic     the network interface
     * @param balloon the memory balloon
     */
    public record State(Clock.State clock, InterruptController.State pic, Timer.State timer,
            Console.State console, BlockDevice.State disk, NetworkInterface.State nic,
            BalloonDevice.State balloon) {
        public State {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(pic, "pic");
            Objects.requireNonNull(timer, "timer");
            Objects.requireNonNull(console, "console");
            Objects.requireNonNull(disk, "disk");
            Objects.requireNonNull(nic, "nic");
            Objects.requireNonNull(balloon, "balloon");
        }
    }
}
