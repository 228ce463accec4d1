package org.vmlab.machine.device;

import java.util.List;
import org.vmlab.machine.Clock;

/**
 * The machine's standard set of devices, built and attached for one machine: the interrupt
 * controller at port 0x20, the timer at 0x40 (line 0), the console at 0x3F8 (line 1), the disk at
 * 0x1F0 (line 2), the network interface at MMIO 0xF000_0000 (line 3) and the memory balloon at
 * 0x5C0 (no line: its driver polls it), as {@code docs/devices.md} lays them out.
 *
 * <p>It also gathers what the equivalence oracle compares of a run's devices: the console output,
 * the disk requests, the network frames and the disk's final contents.
 */
public final class StandardDevices implements DeviceObservables {
    public static final int PIC_BASE = 0x20;
    public static final int PIC_PORTS = 3;

    private final InterruptController interruptController;
    private final Timer timer;
    private final Console console;
    private final BlockDevice disk;
    private final NetworkInterface nic;
    private final BalloonDevice balloon;

    /** Frames of a 32-bit physical address space: a balloon's bound when RAM's size is not known. */
    public static final int ALL_FRAMES = 1 << 20;

    private StandardDevices(InterruptController interruptController, Timer timer,
            Console console, BlockDevice disk, NetworkInterface nic, BalloonDevice balloon) {
        this.interruptController = interruptController;
        this.timer = timer;
        this.console = console;
        this.disk = disk;
        this.nic = nic;
        this.balloon = balloon;
    }

    /**
     * Builds the standard devices from {@code config} and attaches them, with {@code pic}, to the
     * buses. Devices schedule their events on {@code clock}, raise their lines on {@code pic},
     * and do DMA through {@code dma}.
     *
     * @throws IllegalArgumentException if a port or window is already taken on a bus
     */
    public static StandardDevices attach(Clock clock, InterruptController pic, IoBus ioBus,
            MmioBus mmioBus, DmaSpace dma, DeviceConfig config) {
        return attach(clock, pic, ioBus, mmioBus, dma, pic, dma, pic, config);
    }

    /**
     * As {@link #attach(Clock, InterruptController, IoBus, MmioBus, DmaSpace, DeviceConfig)}, with
     * the disk and the network interface each doing DMA and raising its line through its own
     * view ({@link Iommu#dmaFor}, {@link Iommu#interruptsFor}).
     */
    public static StandardDevices attach(Clock clock, InterruptController pic, IoBus ioBus,
            MmioBus mmioBus, DmaSpace diskDma, InterruptSink diskLine, DmaSpace nicDma,
            InterruptSink nicLine, DeviceConfig config) {
        return attach(clock, pic, ioBus, mmioBus, diskDma, diskLine, nicDma, nicLine, config, ALL_FRAMES);
    }

    /**
     * As {@link #attach(Clock, InterruptController, IoBus, MmioBus, DmaSpace, InterruptSink,
     * DmaSpace, InterruptSink, DeviceConfig)}, with a balloon over {@code ramFrames} frames of RAM.
     */
    public static StandardDevices attach(Clock clock, InterruptController pic, IoBus ioBus,
            MmioBus mmioBus, DmaSpace diskDma, InterruptSink diskLine, DmaSpace nicDma,
            InterruptSink nicLine, DeviceConfig config, int ramFrames) {
        Timer timer = new Timer(clock, pic);
        Console console = new Console(pic, config.consoleInput(), config.consoleOutputCap());
        BlockDevice disk = new BlockDevice(clock, diskLine, diskDma, config.diskSectors(),
                config.diskImage());
        NetworkInterface nic = new NetworkInterface(clock, nicLine, nicDma, config.networkPeer());

        ioBus.attach(PIC_BASE, PIC_PORTS, pic);
        ioBus.attach(Timer.BASE, Timer.PORTS, timer);
        ioBus.attach(Console.BASE, Console.PORTS, console);
        ioBus.attach(BlockDevice.BASE, BlockDevice.PORTS, disk);
        mmioBus.attach(NetworkInterface.BASE, NetworkInterface.WINDOW, nic);
        BalloonDevice balloon = new BalloonDevice(ramFrames, config.balloonTarget());
        ioBus.attach(BalloonDevice.BASE, BalloonDevice.PORTS, balloon);
        return new StandardDevices(pic, timer, console, disk, nic, balloon);
    }

    /** The console output kept so far, as UTF-8 text. */
    public String consoleOutput() {
        return console.output();
    }

    /** Console output bytes dropped past the cap. */
    public long consoleBytesDropped() {
        return console.droppedBytes();
    }

    /** Every completed disk request, in order. */
    public List<DiskRequest> diskRequests() {
        return disk.requests();
    }

    /** Every frame sent and received, in order. */
    public List<Frame> frames() {
        return nic.frames();
    }

    /** SHA-256 of the disk's current contents, in hex. */
    public String diskDigest() {
        return disk.digest();
    }

    public InterruptController interruptController() {
        return interruptController;
    }

    public Timer timer() {
        return timer;
    }

    public Console console() {
        return console;
    }

    public BlockDevice disk() {
        return disk;
    }

    public NetworkInterface nic() {
        return nic;
    }

    public BalloonDevice balloon() {
        return balloon;
    }
}
