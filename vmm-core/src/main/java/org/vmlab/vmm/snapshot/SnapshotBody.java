package org.vmlab.vmm.snapshot;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vmlab.machine.Clock;
import org.vmlab.machine.DeviceEvent;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.BlockDevice;
import org.vmlab.machine.device.BalloonDevice;
import org.vmlab.machine.device.Board;
import org.vmlab.machine.device.Console;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.device.DiskRequest;
import org.vmlab.machine.device.EchoPeer;
import org.vmlab.machine.device.Frame;
import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.device.Timer;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmState;

/**
 * The body of a snapshot file, field by field in the order docs/snapshots.md lists them, each
 * section opened by a four-letter tag so that a reader that loses its place says where. Numbers
 * are big-endian ({@link DataOutputStream}); a string is an int length and that many bytes of
 * UTF-8; a byte array an int length and the bytes; a list an int count and its elements.
 */
final class SnapshotBody {
    /** Tags that open each section, and close the body. */
    static final int GUEST = tag("GEST");
    static final int TECHNIQUES = tag("TECH");
    static final int CONFIG = tag("CONF");
    static final int VCPU = tag("VCPU");
    static final int BOARD = tag("BORD");
    static final int PAGES = tag("PAGE");
    static final int END = tag("END.");

    /** The network peer a snapshot can carry: the echo peer, which keeps no state. */
    static final String ECHO_PEER = "echo";

    /** The kinds of clock events, by the device event they name. */
    static final String TIMER_EXPIRY = "timer.expiry";
    static final String DISK_REQUEST = "disk.request";
    static final String NIC_TRANSMISSION = "nic.transmission";
    static final String NIC_ARRIVAL = "nic.arrival";

    /** The longest byte array or list read: anything longer is a corrupted length. */
    private static final int MAX_LENGTH = 64 << 20;

    private SnapshotBody() {
    }

    private static int tag(String letters) {
        byte[] b = letters.getBytes(StandardCharsets.US_ASCII);
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    // --- writing -----------------------------------------------------------------------------------

    static void write(Snapshot s, DataOutputStream out) throws IOException {
        out.writeInt(GUEST);
        string(out, s.guest().program());
        string(out, s.guest().workload());
        bytes(out, s.guest().imageBytes());
        string(out, s.guest().imageDigest());
        string(out, s.isa());

        out.writeInt(TECHNIQUES);
        string(out, s.techniques().cpu());
        string(out, s.techniques().memory());
        string(out, s.techniques().devices());
        string(out, s.techniques().hosting());

        out.writeInt(CONFIG);
        VmConfig c = s.config();
        string(out, c.name());
        out.writeInt(c.memoryBytes());
        out.writeInt(c.frameLimit());
        out.writeLong(c.fuel());
        DeviceConfig d = c.devices();
        string(out, d.consoleInput());
        out.writeInt(d.consoleOutputCap());
        out.writeInt(d.diskSectors());
        bytes(out, d.diskImage());
        if (!(d.networkPeer() instanceof EchoPeer)) {
            throw new IllegalArgumentException("a snapshot carries the echo network peer only, not "
                    + d.networkPeer().getClass().getSimpleName());
        }
        string(out, ECHO_PEER);
        out.writeInt(s.config().devices().balloonTarget());

        out.writeInt(VCPU);
        writeVcpu(s.state().vcpu(), out);
        out.writeInt(BOARD);
        writeBoard(s.state().devices(), out);

        out.writeInt(PAGES);
        GuestPages p = s.pages();
        out.writeInt(p.frames());
        out.writeInt(p.backedFrames());
        for (Map.Entry<Integer, byte[]> page : p.backed().entrySet()) {
            out.writeInt(page.getKey());
            out.write(page.getValue());
        }
        int[] ballooned = p.ballooned();
        out.writeInt(ballooned.length);
        for (int gfn : ballooned) {
            out.writeInt(gfn);
        }
        string(out, p.digest());
        out.writeInt(END);
    }

    private static void writeVcpu(Vcpu.State v, DataOutputStream out) throws IOException {
        ints(out, v.registers());
        out.writeInt(v.pc());
        out.writeInt(v.flags());
        ints(out, v.controlRegisters());
        out.writeInt(v.idtr());
        out.writeLong(v.ticks());
        out.writeLong(v.idleTicks());
        out.writeLong(v.directInstructions());
        out.writeLong(v.interruptsBlockedUntil());
        out.writeBoolean(v.waiting());
        out.writeLong(v.eventsWaited());
        string(out, v.stopReason() == null ? "" : v.stopReason().name());
        string(out, v.stopDetail());
    }

    private static void writeBoard(Board.State b, DataOutputStream out) throws IOException {
        Clock.State clock = b.clock();
        out.writeLong(clock.now());
        out.writeLong(clock.sequence());
        out.writeInt(clock.pending().size());
        for (Clock.Event e : clock.pending()) {
            out.writeLong(e.tick());
            out.writeLong(e.sequence());
            string(out, e.device());
            writeEvent(e.what(), out);
        }
        out.writeInt(b.pic().pending());
        out.writeInt(b.pic().mask());
        out.writeInt(b.pic().inService());
        out.writeLong(b.timer().period());
        Console.State console = b.console();
        bytes(out, console.unreadInput());
        out.writeBoolean(console.inputInterruptEnabled());
        bytes(out, console.output());
        out.writeLong(console.droppedBytes());
        BlockDevice.State disk = b.disk();
        out.writeInt(disk.sector());
        out.writeInt(disk.count());
        out.writeInt(disk.address());
        out.writeInt(disk.status());
        bytes(out, disk.contents());
        out.writeInt(disk.requests().size());
        for (DiskRequest r : disk.requests()) {
            out.writeLong(r.tick());
            string(out, r.op().name());
            out.writeLong(r.sector());
            out.writeLong(r.count());
            string(out, r.sha256());
            out.writeBoolean(r.ok());
        }
        NetworkInterface.State nic = b.nic();
        ring(out, nic.tx());
        ring(out, nic.rx());
        out.writeInt(nic.causes());
        out.writeInt(nic.enabledCauses());
        out.writeInt(nic.frames().size());
        for (Frame f : nic.frames()) {
            out.writeLong(f.tick());
            string(out, f.direction().name());
            bytes(out, f.bytes());
        }
        out.writeLong(nic.droppedFrames());
        out.writeLong(nic.transmitErrors());
        BalloonDevice.State balloon = b.balloon();
        out.writeInt(balloon.target());
        out.writeInt(balloon.givenBack().size());
        for (int gfn : balloon.givenBack()) {
            out.writeInt(gfn);
        }
        out.writeInt(balloon.status());
        out.writeLong(balloon.rejected());
    }

    /** A device event: its kind, then what it carries. Java 17: no switch on types. */
    private static void writeEvent(DeviceEvent what, DataOutputStream out) throws IOException {
        if (what instanceof Timer.Expiry) {
            string(out, TIMER_EXPIRY);
        } else if (what instanceof BlockDevice.Request r) {
            string(out, DISK_REQUEST);
            string(out, r.op().name());
            out.writeLong(r.sector());
            out.writeLong(r.count());
            out.writeInt(r.address());
        } else if (what instanceof NetworkInterface.Transmission) {
            string(out, NIC_TRANSMISSION);
        } else if (what instanceof NetworkInterface.Arrival a) {
            string(out, NIC_ARRIVAL);
            bytes(out, a.bytes());
        } else {
            throw new IllegalArgumentException("a snapshot cannot carry a device event of kind "
                    + what.getClass().getName());
        }
    }

    private static void ring(DataOutputStream out, NetworkInterface.RingRegisters r) throws IOException {
        out.writeInt(r.base());
        out.writeInt(r.size());
        out.writeInt(r.head());
        out.writeInt(r.tail());
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static void ints(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    // --- reading -----------------------------------------------------------------------------------

    static Snapshot read(DataInputStream in) throws IOException {
        expect(in, GUEST, "the guest");
        String program = string(in);
        String workload = string(in);
        Image image = Image.read(new ByteArrayInputStream(bytes(in)));
        String imageDigest = string(in);
        Snapshot.Guest guest = new Snapshot.Guest(program, workload, image);
        if (!guest.imageDigest().equals(imageDigest)) {
            throw new SnapshotFile.Unreadable("corrupted: the guest's image is not the one its digest names");
        }
        String isa = string(in);

        expect(in, TECHNIQUES, "the techniques");
        Snapshot.TechniqueNames techniques = new Snapshot.TechniqueNames(string(in), string(in), string(in),
                string(in));

        expect(in, CONFIG, "the VM's configuration");
        String name = string(in);
        int memoryBytes = in.readInt();
        int frameLimit = in.readInt();
        long fuel = in.readLong();
        String consoleInput = string(in);
        int outputCap = in.readInt();
        int diskSectors = in.readInt();
        byte[] diskImage = bytes(in);
        String peer = string(in);
        if (!peer.equals(ECHO_PEER)) {
            throw new SnapshotFile.Unreadable("its network peer is '" + peer + "'; this vmlab knows '"
                    + ECHO_PEER + "' only");
        }
        int balloonTarget = in.readInt();
        VmConfig config = new VmConfig(name, memoryBytes, frameLimit, fuel,
                new DeviceConfig(consoleInput, outputCap, diskSectors, diskImage, new EchoPeer(), balloonTarget));

        expect(in, VCPU, "the vCPU");
        Vcpu.State vcpu = readVcpu(in);
        expect(in, BOARD, "the board");
        Board.State board = readBoard(in);

        expect(in, PAGES, "the pages");
        int frames = in.readInt();
        int backedCount = count(in);
        Map<Integer, byte[]> backed = new TreeMap<>();
        for (int i = 0; i < backedCount; i++) {
            int gfn = in.readInt();
            byte[] page = new byte[PhysicalMemory.PAGE_SIZE];
            in.readFully(page);
            if (backed.put(gfn, page) != null) {
                throw new IllegalArgumentException(String.format("guest frame 0x%x is given twice", gfn));
            }
        }
        int[] ballooned = new int[count(in)];
        for (int i = 0; i < ballooned.length; i++) {
            ballooned[i] = in.readInt();
        }
        GuestPages pages = new GuestPages(frames, backed, ballooned, string(in));
        expect(in, END, "the end");
        return new Snapshot(guest, isa, techniques, config, new VmState(vcpu, board), pages);
    }

    private static Vcpu.State readVcpu(DataInputStream in) throws IOException {
        int[] registers = ints(in);
        int pc = in.readInt();
        int flags = in.readInt();
        int[] crs = ints(in);
        int idtr = in.readInt();
        long ticks = in.readLong();
        long idle = in.readLong();
        long direct = in.readLong();
        long blockedUntil = in.readLong();
        boolean waiting = in.readBoolean();
        long eventsWaited = in.readLong();
        String reason = string(in);
        String detail = string(in);
        return new Vcpu.State(registers, pc, flags, crs, idtr, ticks, idle, direct, blockedUntil, waiting,
                eventsWaited, reason.isEmpty() ? null : named(StopReason.class, reason, "stop reason"), detail);
    }

    private static Board.State readBoard(DataInputStream in) throws IOException {
        long now = in.readLong();
        long sequence = in.readLong();
        int n = count(in);
        List<Clock.Event> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long tick = in.readLong();
            long seq = in.readLong();
            String device = string(in);
            pending.add(new Clock.Event(tick, seq, device, readEvent(in)));
        }
        Clock.State clock = new Clock.State(now, sequence, pending);
        InterruptController.State pic = new InterruptController.State(in.readInt(), in.readInt(), in.readInt());
        Timer.State timer = new Timer.State(in.readLong());
        Console.State console = new Console.State(bytes(in), in.readBoolean(), bytes(in), in.readLong());
        int sector = in.readInt();
        int count = in.readInt();
        int address = in.readInt();
        int status = in.readInt();
        byte[] contents = bytes(in);
        int requestCount = count(in);
        List<DiskRequest> requests = new ArrayList<>();
        for (int i = 0; i < requestCount; i++) {
            long tick = in.readLong();
            DiskRequest.Op op = named(DiskRequest.Op.class, string(in), "disk operation");
            requests.add(new DiskRequest(tick, op, in.readLong(), in.readLong(), string(in), in.readBoolean()));
        }
        BlockDevice.State disk = new BlockDevice.State(sector, count, address, status, contents, requests);
        NetworkInterface.RingRegisters tx = ring(in);
        NetworkInterface.RingRegisters rx = ring(in);
        int causes = in.readInt();
        int enabled = in.readInt();
        int frameCount = count(in);
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < frameCount; i++) {
            long tick = in.readLong();
            Frame.Direction direction = named(Frame.Direction.class, string(in), "frame direction");
            frames.add(new Frame(tick, direction, bytes(in)));
        }
        NetworkInterface.State nic = new NetworkInterface.State(tx, rx, causes, enabled, frames, in.readLong(),
                in.readLong());
        int target = in.readInt();
        int givenBackCount = count(in);
        List<Integer> givenBack = new ArrayList<>();
        for (int i = 0; i < givenBackCount; i++) {
            givenBack.add(in.readInt());
        }
        BalloonDevice.State balloon = new BalloonDevice.State(target, givenBack, in.readInt(), in.readLong());
        return new Board.State(clock, pic, timer, console, disk, nic, balloon);
    }

    private static DeviceEvent readEvent(DataInputStream in) throws IOException {
        String kind = string(in);
        switch (kind) {
            case TIMER_EXPIRY:
                return new Timer.Expiry();
            case DISK_REQUEST:
                return new BlockDevice.Request(named(DiskRequest.Op.class, string(in), "disk operation"),
                        in.readLong(), in.readLong(), in.readInt());
            case NIC_TRANSMISSION:
                return new NetworkInterface.Transmission();
            case NIC_ARRIVAL:
                return new NetworkInterface.Arrival(bytes(in));
            default:
                throw new SnapshotFile.Unreadable("a device event of unknown kind '" + kind + "'");
        }
    }

    private static NetworkInterface.RingRegisters ring(DataInputStream in) throws IOException {
        return new NetworkInterface.RingRegisters(in.readInt(), in.readInt(), in.readInt(), in.readInt());
    }

    private static void expect(DataInputStream in, int tag, String what) throws IOException {
        int found = in.readInt();
        if (found != tag) {
            throw new SnapshotFile.Unreadable(String.format("corrupted: where %s should begin there is 0x%08x",
                    what, found));
        }
    }

    private static <E extends Enum<E>> E named(Class<E> type, String name, String what) throws IOException {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new SnapshotFile.Unreadable("no such " + what + ": '" + name + "'");
        }
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LENGTH) {
            throw new SnapshotFile.Unreadable("corrupted: a length of " + n);
        }
        return n;
    }

    private static String string(DataInputStream in) throws IOException {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        byte[] b = new byte[count(in)];
        in.readFully(b);
        return b;
    }

    private static int[] ints(DataInputStream in) throws IOException {
        int[] values = new int[count(in)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }
}
