package org.vmlab.device.passthrough;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/**
 * One device domain's I/O page tables in machine memory (VT-d's second-level tables, in the
 * IOMMU's format, docs/devices.md "IOMMU"): a directory and the tables it names, mapping I/O
 * virtual addresses, the addresses a device is programmed with, to machine frames with read and
 * write permission. For a device assigned to a VM the I/O virtual addresses are the VM's
 * guest-physical addresses, and only the VM's own frames are mapped: that is what confines the
 * device's DMA to the VM.
 *
 * <p>The tables' frames are the VMM's, taken from the machine's free pool and given back by
 * {@link #free}. The IOMMU may cache what they say (its IOTLB): after {@link #unmap} or a
 * narrowing {@link #map}, the caller invalidates.
 */
public final class IoPageTables {
    private static final int ENTRIES = 1024;
    private static final int PERMISSIONS = Iommu.READ | Iommu.WRITE;

    private final MachineFrames frames;
    private final PhysicalMemory memory;
    private final String owner;
    private final int directory;
    private final List<Integer> tables = new ArrayList<>();

    /** Empty tables: a directory that maps nothing, from {@code frames}' pool for {@code owner}. */
    public IoPageTables(MachineFrames frames, String owner) {
        this.frames = frames;
        this.memory = frames.memory();
        this.owner = owner;
        this.directory = frames.allocate(owner);
    }

    /** The directory's machine frame, as a context entry names it. */
    public int directoryFrame() {
        return directory;
    }

    /**
     * Maps the page at I/O virtual address {@code iova} to machine frame {@code mfn} with
     * {@code permissions} ({@link Iommu#READ}, {@link Iommu#WRITE}), making the page table that
     * holds its entry if there is none yet. The directory entry grants both, so the table entry
     * alone says what the page permits.
     */
    public void map(int iova, int mfn, int permissions) {
        int pde = directoryEntry(iova);
        int entry = memory.readWord(pde);
        if ((entry & PERMISSIONS) == 0) {
            int table = frames.allocate(owner);
            tables.add(table);
            entry = table << PhysicalMemory.PAGE_SHIFT | PERMISSIONS;
            memory.writeWord(pde, entry);
        }
        memory.writeWord(tableEntry(entry, iova), mfn << PhysicalMemory.PAGE_SHIFT | permissions & PERMISSIONS);
    }

    /** Unmaps the page at {@code iova}: the device may no longer reach it (once the IOTLB is invalidated). */
    public void unmap(int iova) {
        int entry = memory.readWord(directoryEntry(iova));
        if ((entry & PERMISSIONS) != 0) {
            memory.writeWord(tableEntry(entry, iova), 0);
        }
    }

    /** Gives the tables' frames back to the free pool. */
    public void free() {
        tables.forEach(frames::release);
        tables.clear();
        frames.release(directory);
    }

    private int directoryEntry(int iova) {
        return (directory << PhysicalMemory.PAGE_SHIFT) + 4 * (iova >>> 22);
    }

    private static int tableEntry(int directoryEntry, int iova) {
        return (directoryEntry & ~(PhysicalMemory.PAGE_SIZE - 1)) + 4 * (iova >>> 12 & ENTRIES - 1);
    }
}
