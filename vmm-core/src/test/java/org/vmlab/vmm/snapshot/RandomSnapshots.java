package org.vmlab.vmm.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.vmlab.machine.device.Frame;
import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.device.Timer;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmState;

/**
 * Snapshots of random contents, every field set: what the codec's tests write and read back. Not
 * states a VM would reach (the board need not fit its devices), which the file format does not
 * check: that is the restore's business.
 */
final class RandomSnapshots {
    static final int FRAMES = 64;

    private RandomSnapshots() {
    }

    static Snapshot of(long seed) {
        Random r = new Random(seed);
        Image image = new Image(0x1000, List.of(new Segment("text", 0x1000, bytes(r, 1 + r.nextInt(64))),
                new Segment("data", 0x8000, bytes(r, r.nextInt(32)))),
                new SymbolTable(Map.of("start", 0x1000, "boot_cmdline", 0x8000 + r.nextInt(16))));
        Snapshot.Guest guest = new Snapshot.Guest("toyos", r.nextBoolean() ? "forkwait" : "", image);
        Snapshot.TechniqueNames techniques = new Snapshot.TechniqueNames("trap-emulate", "shadow",
                r.nextBoolean() ? "" : "emulated", r.nextBoolean() ? "hosted" : "bare-metal");
        int sectors = 1 + r.nextInt(8);
        VmConfig config = new VmConfig("vm" + r.nextInt(9), FRAMES * PhysicalMemory.PAGE_SIZE, 1 + r.nextInt(FRAMES),
                1 + (r.nextLong() & 0xFFFF_FFFFL), DeviceConfig.defaults().withConsoleInput("ls\n\u00e9" + r.nextInt())
                .withConsoleOutputCap(r.nextInt(1 << 20)).withDiskSectors(sectors)
                .withDiskImage(bytes(r, r.nextInt(512))).withBalloonTarget(r.nextInt(64)));
        return new Snapshot(guest, r.nextBoolean() ? "classic" : "legacy", techniques, config,
                new VmState(vcpu(r), board(r, sectors)), pages(r));
    }

    private static Vcpu.State vcpu(Random r) {
        int[] registers = new int[Registers.COUNT];
        for (int i = 1; i < registers.length; i++) {
            registers[i] = r.nextInt();
        }
        int[] crs = {r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt()};
        long ticks = r.nextLong() & 0xFF_FFFF_FFFFL;
        long idle = ticks == 0 ? 0 : Math.floorMod(r.nextLong(), ticks);
        long direct = ticks - idle == 0 ? 0 : Math.floorMod(r.nextLong(), ticks - idle);
        StopReason[] reasons = StopReason.values();
        StopReason reason = r.nextBoolean() ? null : reasons[r.nextInt(reasons.length)];
        return new Vcpu.State(registers, r.nextInt(), r.nextInt(), crs, r.nextInt(), ticks, idle, direct,
                r.nextLong(), r.nextBoolean(), r.nextLong() & Long.MAX_VALUE, reason,
                reason == null ? "" : "detail " + r.nextInt());
    }

    private static Board.State board(Random r, int sectors) {
        long now = r.nextLong() & 0xFFFF_FFFFL;
        long sequence = 100 + r.nextInt(1000);
        List<Clock.Event> pending = new ArrayList<>();
        int events = r.nextInt(6);
        for (int i = 0; i < events; i++) {
            pending.add(new Clock.Event(now + r.nextInt(5000), r.nextInt((int) sequence),
                    new String[] {"timer", "disk", "nic", "nic#2"}[r.nextInt(4)], event(r)));
        }
        List<DiskRequest> requests = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            requests.add(new DiskRequest(r.nextLong() & Long.MAX_VALUE, r.nextBoolean() ? DiskRequest.Op.READ
                    : DiskRequest.Op.WRITE, r.nextInt() & 0xFFFF_FFFFL, r.nextInt(9), "ab" + r.nextInt(), r.nextBoolean()));
        }
        List<Frame> frames = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            frames.add(new Frame(r.nextLong() & Long.MAX_VALUE, r.nextBoolean() ? Frame.Direction.SENT
                    : Frame.Direction.RECEIVED, bytes(r, r.nextInt(100))));
        }
        int txSize = r.nextInt(9);
        return new Board.State(new Clock.State(now, sequence, pending),
                new InterruptController.State(r.nextInt(256), r.nextInt(256), r.nextInt(256)),
                new Timer.State(r.nextInt() & 0xFFFF_FFFFL),
                new Console.State(bytes(r, r.nextInt(20)), r.nextBoolean(), bytes(r, r.nextInt(200)),
                        r.nextInt(1000)),
                new BlockDevice.State(r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(8),
                        bytes(r, sectors * BlockDevice.SECTOR_SIZE), requests),
                new NetworkInterface.State(new NetworkInterface.RingRegisters(r.nextInt(), txSize,
                        r.nextInt(Math.max(txSize, 1)), r.nextInt(Math.max(txSize, 1))),
                        new NetworkInterface.RingRegisters(0, 0, 0, 0), r.nextInt(4), r.nextInt(4), frames,
                        r.nextInt(100), r.nextInt(100)),
                new BalloonDevice.State(r.nextInt(100), givenBack(r), r.nextInt(4), r.nextInt(100)));
    }

    private static List<Integer> givenBack(Random r) {
        List<Integer> frames = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            frames.add(r.nextInt(FRAMES));
        }
        return frames;
    }

    private static DeviceEvent event(Random r) {
        switch (r.nextInt(4)) {
            case 0:
                return new Timer.Expiry();
            case 1:
                return new BlockDevice.Request(r.nextBoolean() ? DiskRequest.Op.READ : DiskRequest.Op.WRITE,
                        r.nextInt() & 0xFFFF_FFFFL, r.nextInt(16), r.nextInt());
            case 2:
                return new NetworkInterface.Transmission();
            default:
                return new NetworkInterface.Arrival(bytes(r, r.nextInt(64)));
        }
    }

    private static GuestPages pages(Random r) {
        Map<Integer, byte[]> backed = new TreeMap<>();
        List<Integer> ballooned = new ArrayList<>();
        for (int gfn = 0; gfn < FRAMES; gfn++) {
            int kind = r.nextInt(4);
            if (kind == 0) {
                backed.put(gfn, bytes(r, PhysicalMemory.PAGE_SIZE));
            } else if (kind == 1) {
                ballooned.add(gfn);
            }
        }
        return new GuestPages(FRAMES, backed, ballooned.stream().mapToInt(Integer::intValue).toArray(),
                Long.toHexString(r.nextLong()));
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
