package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Ram;

/**
 * With random I/O page tables (present or not, any permissions, reserved bits, tables and frames
 * outside RAM, devices without a context entry), a device's DMA touches exactly the frames its
 * tables map with the permission the access needs, and nothing at all when any page of the access
 * is not so mapped: checked against a model of the walk written from {@code docs/devices.md}.
 */
class IommuProperties {
    private static final int FRAMES = 16;
    private static final int CONTEXT_TABLE = 0;
    private static final int[] DIRECTORIES = {0x1000, 0x2000};
    private static final int[] TABLES = {0x3000, 0x4000};
    /** Frames 0..4 hold the tables; DMA may only ever reach frames 5 and above. */
    private static final int TABLE_AREA = 0x5000;

    /** RAM that remembers every access, to see what the IOMMU let a device touch. */
    private static final class Spy implements Ram {
        record Access(int address, int length, boolean write) {
        }

        final PhysicalMemory memory = new PhysicalMemory(FRAMES * 4096);
        final List<Access> accesses = new ArrayList<>();

        @Override
        public int size() {
            return memory.size();
        }

        @Override
        public boolean contains(int address, int length) {
            return memory.contains(address, length);
        }

        @Override
        public byte[] read(int address, int length) {
            accesses.add(new Access(address, length, false));
            return memory.read(address, length);
        }

        @Override
        public void write(int address, byte[] data) {
            accesses.add(new Access(address, data.length, true));
            memory.write(address, data);
        }

        List<Access> dataAccesses() {
            return accesses.stream().filter(a -> a.address() >= TABLE_AREA || a.address() < 0).toList();
        }

        boolean tablesOnlyRead() {
            return accesses.stream().filter(a -> a.address() >= 0 && a.address() < TABLE_AREA)
                    .noneMatch(Access::write);
        }
    }

    @Property(tries = 300)
    void dmaTouchesOnlyWhatTheTablesGrant(@ForAll long seed) {
        Random random = new Random(seed);
        Spy ram = new Spy();
        Iommu iommu = new Iommu(ram, new InterruptController());
        for (int sid : new int[] {Iommu.SOURCE_DISK, Iommu.SOURCE_NIC}) {
            ram.memory.writeWord(CONTEXT_TABLE + 4 * sid, contextEntry(random));
        }
        for (int directory : DIRECTORIES) {
            for (int i = 0; i < 2; i++) {
                ram.memory.writeWord(directory + 4 * i, directoryEntry(random));
            }
        }
        for (int table : TABLES) {
            for (int i = 0; i < 8; i++) {
                ram.memory.writeWord(table + 4 * i, tableEntry(random));
            }
        }
        iommu.out(Iommu.RTADDR, CONTEXT_TABLE);
        iommu.out(Iommu.GCMD, Iommu.TE);

        for (int n = 0; n < 40; n++) {
            int sid = random.nextBoolean() ? Iommu.SOURCE_DISK : Iommu.SOURCE_NIC;
            boolean write = random.nextBoolean();
            int iova = (random.nextBoolean() ? 0 : 1 << 22) + random.nextInt(8 * 4096);
            int length = 1 + random.nextInt(random.nextInt(4) == 0 ? 9000 : 64);
            List<Spy.Access> expected = model(ram.memory, sid, iova, length, write);

            ram.accesses.clear();
            DmaSpace dma = iommu.dmaFor(sid);
            boolean moved;
            try {
                if (write) {
                    byte[] data = new byte[length];
                    random.nextBytes(data);
                    dma.write(iova, data);
                } else {
                    dma.read(iova, length);
                }
                moved = true;
            } catch (DmaFault fault) {
                moved = false;
            }
            Statistics.label("outcome").collect(moved ? "moved" : "blocked");
            assertThat(ram.tablesOnlyRead()).as("the IOMMU never writes its tables").isTrue();
            assertThat(moved).as("access %d of %d bytes at 0x%x by %d", n, length, iova, sid)
                    .isEqualTo(expected != null);
            assertThat(ram.dataAccesses()).isEqualTo(expected == null ? List.of() : expected);
        }
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("moved").percentage(p -> p > 10);
            coverage.check("blocked").percentage(p -> p > 10);
        });
    }

    /** The pieces a permitted access moves, or null if any page of it is blocked or not RAM. */
    private static List<Spy.Access> model(PhysicalMemory memory, int sid, int iova, int length,
            boolean write) {
        int needed = write ? Iommu.WRITE : Iommu.READ;
        int context = memory.readWord(CONTEXT_TABLE + 4 * sid);
        if ((context & 1) == 0 || (context & 0xFFE) != 0) {
            return null;
        }
        List<Spy.Access> pieces = new ArrayList<>();
        int at = iova;
        int end = iova + length;
        while (at < end) {
            int pageEnd = Math.min(end, (at & ~0xFFF) + 4096);
            int pde = entry(memory, (context & ~0xFFF) + 4 * (at >>> 22));
            int pte = pde == -1 ? -1 : entry(memory, (pde & ~0xFFF) + 4 * (at >>> 12 & 0x3FF));
            if (pte == -1 || (pde & pte & needed) == 0) {
                return null;
            }
            int pa = (pte & ~0xFFF) | (at & 0xFFF);
            if (!memory.contains(pa, pageEnd - at)) {
                return null;
            }
            pieces.add(new Spy.Access(pa, pageEnd - at, write));
            at = pageEnd;
        }
        return pieces;
    }

    /** An entry that may be used, or -1 if it is outside RAM or grants with a reserved bit set. */
    private static int entry(PhysicalMemory memory, int address) {
        if (!memory.contains(address, 4)) {
            return -1;
        }
        int e = memory.readWord(address);
        return (e & 3) != 0 && (e & 0xFFC) != 0 ? -1 : e;
    }

    private static int contextEntry(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> DIRECTORIES[0] | 0x20 | 1;   // reserved bit
            case 2 -> DIRECTORIES[1] | 1;
            default -> DIRECTORIES[0] | 1;
        };
    }

    private static int directoryEntry(Random random) {
        int frame = switch (random.nextInt(4)) {
            case 0 -> random.nextBoolean() ? 0x0100_0000 : TABLES[1];   // or outside RAM
            default -> TABLES[0];
        };
        return frame | permissions(random) | (random.nextInt(8) == 0 ? 0x100 : 0);
    }

    private static int tableEntry(Random random) {
        int frame = random.nextInt(10) == 0 ? FRAMES + random.nextInt(4) : 5 + random.nextInt(FRAMES - 5);
        return frame << 12 | permissions(random) | (random.nextInt(10) == 0 ? 0x400 : 0);
    }

    /** Mostly read and write, so that long accesses are often allowed; else any of the four. */
    private static int permissions(Random random) {
        return random.nextInt(3) == 0 ? random.nextInt(4) : Iommu.READ | Iommu.WRITE;
    }
}
