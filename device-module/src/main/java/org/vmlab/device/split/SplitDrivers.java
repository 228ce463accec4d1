package org.vmlab.device.split;

import java.util.List;
import java.util.Optional;
import org.vmlab.device.DeviceEvent;
import org.vmlab.device.HostSide;
import org.vmlab.machine.Clock;
import org.vmlab.machine.Fault;
import org.vmlab.machine.Machine;
import org.vmlab.machine.device.BoundedDma;
import org.vmlab.machine.device.DeviceWiring;
import org.vmlab.machine.device.DmaSpace;
import org.vmlab.machine.device.InterruptSink;
import org.vmlab.machine.device.BlockDevice;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.device.IoBus;
import org.vmlab.machine.device.PortDevice;
import org.vmlab.machine.device.MmioDevice;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.DomainEvents;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * Split device drivers, as Xen's (Barham et al., "Xen and the Art of Virtualization", SOSP 2003,
 * section 3.2; Xen's {@code grant_table.h}, {@code io/ring.h}, {@code io/blkif.h},
 * {@code io/netif.h}): the guest's front ends ({@code blkfront}, {@code netfront}) put requests on
 * rings in pages they share with the back ends in domain 0 ({@link Blkback}, {@link Netback}),
 * grant them access to the frames that hold the data ({@link GrantTable}), and notify them by
 * event channel; the back ends drive the real devices and answer on the rings. The guest makes
 * one trip to domain 0 for a batch of requests, not an exit for each device register.
 *
 * <p>Here the "real" devices are the VM's own board's disk and network interface, which only the
 * back ends drive: wired ({@link #wiring}) to do DMA into the back ends' private memory (the
 * driver domain's own pages, never the guest's) and to raise their lines to the back ends, not
 * to the guest's interrupt controller. The back ends program them by their registers, as a
 * driver would. Domain 0 is the driver domain under bare-metal hosting, a host process under
 * hosted: each notification from the guest costs one trip there ({@link HostSide#trip}); each
 * device request and its copies {@link HostSide#request}.
 *
 * <p>The guest reaches the back ends by two hypercalls, {@code grant_table_op} (20) and
 * {@code device_connect} (48), and by its event channels, which its CPU technique offers
 * ({@link org.vmlab.vmm.CpuVirtualization#domainEvents}). docs/paravirt.md ("Split device
 * drivers") is the interface; the back ends' decisions on the rings are a {@link RingService}'s.
 */
public final class SplitDrivers implements DeviceVirtualization {
    // The back ends' private memory: the disk's buffer, then the network interface's rings and buffers.
    static final int PRIVATE_MEMORY = 64 << 10;
    /** A whole request: four segments of a page. */
    static final int DISK_BUFFER = 0x0000;
    /** Descriptors in each of the interface's rings. */
    static final int NIC_RING = 8;
    static final int NIC_TX_RING = 0x4000;
    static final int NIC_RX_RING = 0x4100;
    /** Bytes of each frame buffer, enough for the largest frame. */
    static final int NIC_BUFFER = 2048;
    static final int NIC_TX_BUFFERS = 0x5000;
    static final int NIC_RX_BUFFERS = NIC_TX_BUFFERS + NIC_RING * NIC_BUFFER;

    private final HostSide hostSide;
    private final RingService rules;
    private final PhysicalMemory buffers = new PhysicalMemory(PRIVATE_MEMORY);
    // A device's interrupt on its way to its back end (0 the disk's, 1 the interface's), not yet taken.
    private final boolean[] interruptPending = new boolean[2];
    private GrantTable grants;
    private Blkback blkback;
    private Netback netback;
    private Clock clock;
    private String clockName;

    /** Split drivers whose back ends follow {@code rules} on the rings (Lab 5's). */
    public SplitDrivers(Hosting hosting, RingService rules) {
        this.hostSide = new HostSide(hosting);
        this.rules = rules;
    }

    /**
     * Split drivers like these, not yet attached, whose back ends notify the front end of every
     * response they publish, whatever its {@code rsp_event} asked: notification suppression off,
     * for the I/O experiment to compare (the front end's own side is toyos's
     * {@code SPLIT_NOTIFY_ALWAYS}).
     */
    public SplitDrivers withoutNotificationSuppression() {
        return new SplitDrivers(hostSide.hosting(), new EveryResponseNotified(rules));
    }

    /** {@code rules}, but every push that publishes a response notifies. */
    private record EveryResponseNotified(RingService rules) implements RingService {
        @Override
        public int requestsToTake(SharedRing ring) {
            return rules.requestsToTake(ring);
        }

        @Override
        public boolean permits(GrantEntry entry, boolean writesGuest, int ramFrames) {
            return rules.permits(entry, writesGuest, ramFrames);
        }

        @Override
        public boolean pushResponses(SharedRing ring) {
            int before = ring.rspProd();
            rules.pushResponses(ring);
            return ring.rspProd() != before;
        }

        @Override
        public boolean finalCheckForRequests(SharedRing ring) {
            return rules.finalCheckForRequests(ring);
        }
    }

    @Override
    public String name() {
        return "split";
    }

    /** The back ends' rings, grants and event channels are not captured. */
    @Override
    public java.util.Optional<String> whyNotCapturable() {
        return java.util.Optional.of("its split drivers' back ends hold ring, grant and event-channel state in"
                + " domain 0 that the VMM does not capture (use --devices emulated)");
    }

    @Override
    public List<VmmEvent> events() {
        return DeviceEvent.ALL;
    }

    /** Where the back ends run. */
    public Hosting hosting() {
        return hostSide.hosting();
    }

    /**
     * The disk and the network interface do DMA into the back ends' private memory, and raise
     * their lines to the back ends. Every other device is the VM's as usual.
     */
    @Override
    public DeviceWiring wiring(Machine host) {
        DmaSpace privateDma = new BoundedDma(buffers, "the back ends' memory");
        return new DeviceWiring() {
            @Override
            public DmaSpace dma(int sourceId, DmaSpace standard) {
                return isBackEnds(sourceId) ? privateDma : standard;
            }

            @Override
            public InterruptSink interrupts(int sourceId, InterruptSink standard) {
                return isBackEnds(sourceId) ? backEndLine(sourceId) : standard;
            }
        };
    }

    private static boolean isBackEnds(int sourceId) {
        return sourceId == Iommu.SOURCE_DISK || sourceId == Iommu.SOURCE_NIC;
    }

    /**
     * The line of a device the back ends drive. The device's interrupt reaches its back end just
     * after the device's step that raised it, as an event on the VM's clock at the same tick: the
     * back end then programs the device again, which it must not do from inside the device's step.
     */
    private InterruptSink backEndLine(int sourceId) {
        int which = sourceId == Iommu.SOURCE_DISK ? 0 : 1;
        return new InterruptSink() {
            @Override
            public void request(int line) {
                if (clock != null && !interruptPending[which]) {
                    interruptPending[which] = true;
                    clock.schedule(clock.now(), clockName, new BackEndInterrupt(which));
                }
            }

            @Override
            public void withdraw(int line) {
                // level lines go down when the back end reads the device's cause: nothing to do
            }
        };
    }

    /**
     * What the guest finds where the devices the back ends took were: a port or a window nobody
     * answers, as on a machine without them.
     */
    private static final class Unplugged implements PortDevice, MmioDevice {
        static final Unplugged INSTANCE = new Unplugged();

        @Override
        public String name() {
            return "nothing: the device is the driver domain's";
        }

        @Override
        public int in(int offset) {
            return IoBus.FLOATING;
        }

        @Override
        public void out(int offset, int value) {
        }

        @Override
        public int read(int offset) {
            return IoBus.FLOATING;
        }

        @Override
        public void write(int offset, int value) {
        }
    }

    /** A device's interrupt on its way to its back end: 0 the disk's, 1 the network interface's. */
    record BackEndInterrupt(int device) implements org.vmlab.machine.DeviceEvent {
    }

    @Override
    public void attach(VirtualMachine vm) {
        this.grants = new GrantTable(vm.memory(), rules, vm.counters());
        this.blkback = new Blkback(vm, hostSide, rules, grants, buffers);
        this.netback = new Netback(vm, hostSide, rules, grants, buffers);
        // The disk and the network interface are the driver domain's now: the back ends reach
        // their registers, and the guest, on its buses, finds nothing there.
        vm.devices().io().replace(BlockDevice.BASE, Unplugged.INSTANCE);
        vm.devices().mmio().replace(NetworkInterface.BASE, Unplugged.INSTANCE);
        this.clock = vm.devices().clock();
        this.clockName = clock.attach("split back ends", event -> {
            int device = ((BackEndInterrupt) event.what()).device();
            interruptPending[device] = false;
            if (device == 0) {
                blkback.diskInterrupt();
            } else {
                netback.nicInterrupt();
            }
        });
        HypercallTable calls = vm.hypercalls();
        calls.register(SplitAbi.GRANT_TABLE_OP, "grant_table_op", name(), counted("grant_table_op", this::grantTableOp));
        calls.register(SplitAbi.DEVICE_CONNECT, "device_connect", name(), counted("device_connect", this::deviceConnect));
    }

    /** The guest's grant table, as the back ends see it (null before attach). */
    public GrantTable grants() {
        return grants;
    }

    /** Every call counted by name, as the paravirtual CPU's are: {@code pv.hypercall.<name>}. */
    private static HypercallTable.Hypercall counted(String name, HypercallTable.Hypercall call) {
        return (vm, args) -> {
            vm.counters().add("pv.hypercall." + name, 1);
            return call.call(vm, args);
        };
    }

    /**
     * {@code grant_table_op(cmd, count, args)}: {@code GNTTABOP_setup_table} only, one at a time;
     * args {dom, nr_frames, status (out), frame}.
     */
    int grantTableOp(VirtualMachine vm, HypercallTable.Arguments args) {
        if (args.a1() != SplitAbi.GNTTABOP_SETUP_TABLE) {
            return -Errno.ENOSYS;
        }
        if (args.a2() != 1) {
            return -Errno.EINVAL;
        }
        int at = args.a3();
        try {
            int dom = GuestArgs.read(vm, at);
            int frames = GuestArgs.read(vm, at + 4);
            GuestArgs.checkWritable(vm, at + 8);
            int frame = GuestArgs.read(vm, at + 12);
            if (dom != SplitAbi.DOMID_SELF) {
                return -Errno.ESRCH;
            }
            if (frames != 1) {
                return -Errno.EINVAL;
            }
            int result = grants.setUp(frame);
            if (result == 0) {
                GuestArgs.write(vm, at + 8, SplitAbi.GNTST_OKAY);
            }
            return result;
        } catch (Fault f) {
            return -Errno.EFAULT;
        }
    }

    /**
     * {@code device_connect(_, _, args)}: a vbd {type 0, ring_ref, port, ring_size, sectors (out)}
     * or a vif {type 1, tx_ring_ref, rx_ring_ref, port, ring_size}.
     */
    int deviceConnect(VirtualMachine vm, HypercallTable.Arguments args) {
        int at = args.a3();
        try {
            int type = GuestArgs.read(vm, at);
            int w1 = GuestArgs.read(vm, at + 4);
            int w2 = GuestArgs.read(vm, at + 8);
            int w3 = GuestArgs.read(vm, at + 12);
            Optional<DomainEvents> domain = vm.cpuVirtualization() == null ? Optional.empty()
                    : vm.cpuVirtualization().domainEvents();
            if (type == SplitAbi.CONNECT_VBD) {
                GuestArgs.checkWritable(vm, at + 16);
                if (domain.isEmpty()) {
                    return -Errno.EINVAL;
                }
                int result = blkback.connect(domain.get(), w1, w2, w3);
                if (result == 0) {
                    GuestArgs.write(vm, at + 16, blkback.sectors());
                    vm.counters().add("split.connected.vbd", 1);
                }
                return result;
            }
            if (type == SplitAbi.CONNECT_VIF) {
                int ringSize = GuestArgs.read(vm, at + 16);
                if (domain.isEmpty()) {
                    return -Errno.EINVAL;
                }
                int result = netback.connect(domain.get(), w1, w2, w3, ringSize);
                if (result == 0) {
                    vm.counters().add("split.connected.vif", 1);
                }
                return result;
            }
            return -Errno.ENODEV;
        } catch (Fault f) {
            return -Errno.EFAULT;
        }
    }

    /** A ring size the back end takes: a power of two, 1..{@code max}. */
    static boolean validRingSize(int size, int max) {
        return size >= 1 && size <= max && Integer.bitCount(size) == 1;
    }

    @Override
    public String toString() {
        return "split drivers, back ends in the " + hostSide.place();
    }
}
