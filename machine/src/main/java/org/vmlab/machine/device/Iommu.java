package org.vmlab.machine.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.vmlab.machine.memory.Ram;

/**
 * The IOMMU, after Intel VT-d (Intel Virtualization Technology for Directed I/O, Architecture
 * Specification) in small: it sits between the DMA-capable devices and RAM, and between their
 * interrupts and the interrupt controller, so that a VMM can give a device to one VM and confine
 * it there.
 *
 * <p>DMA remapping: each device has a source id; a context table in RAM (at RTADDR) names, for
 * each source id, the root of the device's I/O page tables, two levels of 4 KiB pages with read
 * and write permission bits (VT-d's second-level tables). With translation enabled every DMA
 * address is an I/O virtual address translated through them, the IOTLB caching translations
 * until the VMM invalidates it. A blocked access moves nothing, is the device's ordinary DMA
 * fault, and is recorded in the fault log with an interrupt on {@link #LINE}.
 *
 * <p>Interrupt remapping: with it enabled, a device's interrupt goes where its entry in the
 * interrupt-remapping table (at IRTA) says: to the line the entry names, or nowhere.
 *
 * <p>Disabled (the default after reset) it is not there: DMA reaches RAM as through
 * {@link BoundedDma} and lines reach the interrupt controller as raised. Translation costs no
 * ticks and no cycles. The registers are ports ({@code docs/devices.md}, "IOMMU"), so that only
 * ring 0 reaches them.
 */
public final class Iommu implements PortDevice {
    public static final int BASE = 0xD0;
    public static final int PORTS = 8;
    /** The line the IOMMU raises for each fault it records (edge-triggered). */
    public static final int LINE = 4;

    /** The disk's source id. */
    public static final int SOURCE_DISK = 1;
    /** The network interface's source id. */
    public static final int SOURCE_NIC = 2;
    /** Source ids are 8 bits: the context and interrupt-remapping tables have 256 entries. */
    public static final int SOURCE_IDS = 256;

    public static final int GCMD = 0;
    public static final int RTADDR = 1;
    public static final int IRTA = 2;
    public static final int IOTLB_INVALIDATE = 3;
    public static final int FSTS = 4;
    public static final int FRCD_INDEX = 5;
    public static final int FRCD_INFO = 6;
    public static final int FRCD_ADDRESS = 7;

    /** GCMD/GSTS bit: DMA translation enabled. */
    public static final int TE = 1;
    /** GCMD/GSTS bit: interrupt remapping enabled. */
    public static final int IRE = 1 << 1;

    /** IOTLB_INVALIDATE granularity (bits 1..0): every entry. */
    public static final int IIRG_GLOBAL = 1;
    /** IOTLB_INVALIDATE granularity: the entries of the source id in bits 15..8. */
    public static final int IIRG_DEVICE = 2;

    /** The fault log's size; FSTS bits 3..0 count the records in it. */
    public static final int FAULT_RECORDS = 8;
    /** FSTS bit: a fault was dropped because the log was full (VT-d's PFO). */
    public static final int FSTS_OVERFLOW = 1 << 8;

    /** Context entry: bit 0 present; bits 11..1 reserved; bits 31..12 the I/O page directory. */
    public static final int CONTEXT_PRESENT = 1;
    /** I/O page-table entry (both levels): read permission. */
    public static final int READ = 1;
    /** I/O page-table entry (both levels): write permission. */
    public static final int WRITE = 1 << 1;
    /** Interrupt-remapping table entry: bit 0 present; bits 10..8 the destination line. */
    public static final int IRTE_PRESENT = 1;
    public static final int IRTE_LINE_SHIFT = 8;

    private static final int FRAME_MASK = 0xFFFF_F000;
    private static final int PAGE_SHIFT = 12;
    private static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final int CONTEXT_RESERVED = 0xFFE;
    private static final int PTE_RESERVED = 0xFFC;
    private static final int IRTE_RESERVED = ~(IRTE_PRESENT | 7 << IRTE_LINE_SHIFT);

    private final Ram memory;
    private final BoundedDma untranslated;
    private final InterruptController pic;
    private final IoTlb iotlb = new IoTlb();
    private final List<IommuFault> faults = new ArrayList<>();

    private int status;
    private int rootTable;
    private int remappingTable;
    private int selectedRecord;
    private boolean overflow;
    private long faultsDropped;

    /**
     * @param memory what translated DMA reaches, and where the tables are read from
     * @param pic    where the IOMMU raises its own line and delivers remapped interrupts
     */
    public Iommu(Ram memory, InterruptController pic) {
        this.memory = memory;
        this.untranslated = new BoundedDma(memory, "RAM");
        this.pic = pic;
    }

    @Override
    public String name() {
        return "iommu";
    }

    /** What device {@code sourceId} reaches by DMA: RAM, through this IOMMU. */
    public DmaSpace dmaFor(int sourceId) {
        checkSource(sourceId);
        return new DeviceDma(sourceId);
    }

    /** Where device {@code sourceId} raises its line: the interrupt controller, through remapping. */
    public InterruptSink interruptsFor(int sourceId) {
        return interruptsFor(sourceId, pic);
    }

    /**
     * Where device {@code sourceId} raises its line when a monitor has given it to a VM: through
     * remapping, as {@link #interruptsFor(int)}, but delivered to {@code destination}, the VM's
     * own interrupt controller, without passing through the machine's (as VT-d's posted
     * interrupts reach a virtual processor). A blocked interrupt is still recorded here and raises
     * the IOMMU's line on the machine's controller.
     */
    public InterruptSink interruptsFor(int sourceId, InterruptSink destination) {
        checkSource(sourceId);
        return new RemappedInterrupts(sourceId, destination);
    }

    /** GSTS: {@link #TE} and {@link #IRE}. */
    public int status() {
        return status;
    }

    /** The fault log, oldest first (at most {@link #FAULT_RECORDS}). */
    public List<IommuFault> faults() {
        return Collections.unmodifiableList(faults);
    }

    /** Faults not recorded because the log was full. */
    public long faultsDropped() {
        return faultsDropped;
    }

    /** DMA page translations found in the IOTLB. */
    public long iotlbHits() {
        return iotlb.hits();
    }

    /** DMA page translations that needed a walk of the I/O page tables. */
    public long iotlbMisses() {
        return iotlb.misses();
    }

    @Override
    public int in(int offset) {
        return switch (offset) {
            case GCMD -> status;
            case RTADDR -> rootTable;
            case IRTA -> remappingTable;
            case FSTS -> faults.size() | (overflow ? FSTS_OVERFLOW : 0);
            case FRCD_INDEX -> selectedRecord;
            case FRCD_INFO -> selectedRecord < faults.size()
                    ? faults.get(selectedRecord).info() : IoBus.FLOATING;
            case FRCD_ADDRESS -> selectedRecord < faults.size()
                    ? faults.get(selectedRecord).address() : IoBus.FLOATING;
            default -> IoBus.FLOATING;
        };
    }

    @Override
    public void out(int offset, int value) {
        switch (offset) {
            case GCMD -> {
                int now = value & (TE | IRE);
                if (((status ^ now) & TE) != 0) {
                    iotlb.invalidateAll();   // as the CPU's TLB when paging goes on or off
                }
                status = now;
            }
            case RTADDR -> rootTable = value & FRAME_MASK;
            case IRTA -> remappingTable = value & FRAME_MASK;
            case IOTLB_INVALIDATE -> invalidate(value);
            case FSTS -> {
                faults.clear();
                overflow = false;
            }
            case FRCD_INDEX -> selectedRecord = value & 0xFF;
            default -> { }
        }
    }

    private void invalidate(int value) {
        switch (value & 3) {
            case IIRG_GLOBAL -> iotlb.invalidateAll();
            case IIRG_DEVICE -> iotlb.invalidate(value >>> 8 & 0xFF);
            default -> { }
        }
    }

    // --- DMA remapping -----------------------------------------------------------------------

    /** One device's view of memory. */
    private final class DeviceDma implements DmaSpace {
        private final int sourceId;

        DeviceDma(int sourceId) {
            this.sourceId = sourceId;
        }

        @Override
        public byte[] read(int address, int length) throws DmaFault {
            if ((status & TE) == 0) {
                return untranslated.read(address, length);
            }
            int[] pieces = translate(sourceId, address, length, READ);
            byte[] data = new byte[length];
            int done = 0;
            for (int i = 0; i < pieces.length; i += 2) {
                System.arraycopy(memory.read(pieces[i], pieces[i + 1]), 0, data, done, pieces[i + 1]);
                done += pieces[i + 1];
            }
            return data;
        }

        @Override
        public void write(int address, byte[] data) throws DmaFault {
            if ((status & TE) == 0) {
                untranslated.write(address, data);
                return;
            }
            int[] pieces = translate(sourceId, address, data.length, WRITE);
            int done = 0;
            for (int i = 0; i < pieces.length; i += 2) {
                byte[] piece = new byte[pieces[i + 1]];
                System.arraycopy(data, done, piece, 0, piece.length);
                memory.write(pieces[i], piece);
                done += piece.length;
            }
        }
    }

    /**
     * Translates the whole access before any byte moves (all or nothing): returns its physical
     * pieces as (address, length) pairs, one per page.
     */
    private int[] translate(int sourceId, int address, int length, int needed) throws DmaFault {
        long start = Integer.toUnsignedLong(address);
        long end = start + length;   // exclusive
        if (end > 1L << 32) {
            throw fault(new IommuFault(sourceId, address, access(needed), IommuFault.Reason.ADDRESS_BEYOND), length);
        }
        int pages = length == 0 ? 0 : (int) (((end - 1) >>> PAGE_SHIFT) - (start >>> PAGE_SHIFT) + 1);
        int[] pieces = new int[2 * pages];
        long at = start;
        for (int i = 0; i < pages; i++) {
            long pageEnd = Math.min(end, ((at >>> PAGE_SHIFT) + 1) << PAGE_SHIFT);
            int frame = translatePage(sourceId, (int) at, needed, length);
            int pa = frame << PAGE_SHIFT | (int) (at & (PAGE_SIZE - 1));
            int pieceLength = (int) (pageEnd - at);
            if (!memory.contains(pa, pieceLength)) {
                // The tables map a frame that is not RAM: the memory refuses, as without an IOMMU.
                throw new DmaFault(pa, pieceLength, String.format("outside RAM (0x%x bytes)", memory.size()));
            }
            pieces[2 * i] = pa;
            pieces[2 * i + 1] = pieceLength;
            at = pageEnd;
        }
        return pieces;
    }

    /** The frame that I/O virtual address {@code iova}'s page maps to for the device, or a fault. */
    private int translatePage(int sourceId, int iova, int needed, int length) throws DmaFault {
        int page = iova >>> PAGE_SHIFT;
        IoTlb.Entry cached = iotlb.lookup(sourceId, page, needed);
        if (cached != null) {
            return cached.frame();
        }
        IommuFault.Access access = access(needed);
        int contextAddress = rootTable + 4 * sourceId;
        if (!memory.contains(contextAddress, 4)) {
            throw fault(new IommuFault(sourceId, iova, access, IommuFault.Reason.CONTEXT_TABLE_ACCESS), length);
        }
        int context = readWord(contextAddress);
        if ((context & CONTEXT_PRESENT) == 0) {
            throw fault(new IommuFault(sourceId, iova, access, IommuFault.Reason.CONTEXT_NOT_PRESENT), length);
        }
        if ((context & CONTEXT_RESERVED) != 0) {
            throw fault(new IommuFault(sourceId, iova, access, IommuFault.Reason.CONTEXT_RESERVED), length);
        }
        int pde = entry(sourceId, iova, access, (context & FRAME_MASK) + 4 * (iova >>> 22), length);
        int pte = entry(sourceId, iova, access, (pde & FRAME_MASK) + 4 * (page & 0x3FF), length);
        int permissions = pde & pte & (READ | WRITE);
        if ((permissions & needed) != needed) {
            IommuFault.Reason reason = needed == WRITE ? IommuFault.Reason.NO_WRITE : IommuFault.Reason.NO_READ;
            throw fault(new IommuFault(sourceId, iova, access, reason), length);
        }
        int frame = pte >>> PAGE_SHIFT;
        iotlb.insert(sourceId, page, new IoTlb.Entry(frame, permissions));
        return frame;
    }

    /** An I/O page-table entry; one granting nothing is not present and is returned as it is. */
    private int entry(int sourceId, int iova, IommuFault.Access access, int address, int length)
            throws DmaFault {
        if (!memory.contains(address, 4)) {
            throw fault(new IommuFault(sourceId, iova, access, IommuFault.Reason.PAGE_TABLE_ACCESS), length);
        }
        int entry = readWord(address);
        if ((entry & (READ | WRITE)) != 0 && (entry & PTE_RESERVED) != 0) {
            throw fault(new IommuFault(sourceId, iova, access, IommuFault.Reason.PAGE_TABLE_RESERVED), length);
        }
        return entry;
    }

    private static IommuFault.Access access(int needed) {
        return needed == WRITE ? IommuFault.Access.WRITE : IommuFault.Access.READ;
    }

    // --- interrupt remapping -----------------------------------------------------------------

    /** One device's interrupt, through its interrupt-remapping table entry. */
    private final class RemappedInterrupts implements InterruptSink {
        private final int sourceId;
        private final InterruptSink destination;

        RemappedInterrupts(int sourceId, InterruptSink destination) {
            this.sourceId = sourceId;
            this.destination = destination;
        }

        @Override
        public void request(int line) {
            if ((status & IRE) == 0) {
                destination.request(line);
                return;
            }
            int remapped = destination(sourceId, line, true);
            if (remapped >= 0) {
                destination.request(remapped);
            }
        }

        @Override
        public void withdraw(int line) {
            if ((status & IRE) == 0) {
                destination.withdraw(line);
                return;
            }
            int remapped = destination(sourceId, line, false);
            if (remapped >= 0) {
                destination.withdraw(remapped);
            }
        }
    }

    /** The line the device's entry names, or -1 if the interrupt is blocked (recorded if {@code record}). */
    private int destination(int sourceId, int line, boolean record) {
        int address = remappingTable + 4 * sourceId;
        IommuFault.Reason reason;
        if (!memory.contains(address, 4)) {
            reason = IommuFault.Reason.IRT_ACCESS;
        } else {
            int irte = readWord(address);
            if ((irte & IRTE_PRESENT) == 0) {
                reason = IommuFault.Reason.IRTE_NOT_PRESENT;
            } else if ((irte & IRTE_RESERVED) != 0) {
                reason = IommuFault.Reason.IRTE_RESERVED;
            } else {
                return irte >>> IRTE_LINE_SHIFT & 7;
            }
        }
        if (record) {
            record(new IommuFault(sourceId, line, IommuFault.Access.INTERRUPT, reason));
        }
        return -1;
    }

    // --- fault log ---------------------------------------------------------------------------

    private DmaFault fault(IommuFault record, int length) {
        record(record);
        return new DmaFault(record.address(), length, String.format("blocked by the IOMMU: %s (0x%x)",
                record.reason(), record.reason().code()));
    }

    private void record(IommuFault record) {
        if (faults.size() == FAULT_RECORDS) {
            overflow = true;
            faultsDropped++;
            return;
        }
        faults.add(record);
        pic.request(LINE);
    }

    private int readWord(int address) {
        byte[] b = memory.read(address, 4);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    private static void checkSource(int sourceId) {
        if (sourceId < 0 || sourceId >= SOURCE_IDS) {
            throw new IllegalArgumentException("no source id " + sourceId);
        }
    }
}
