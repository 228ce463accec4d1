package org.vmlab.device.passthrough;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/**
 * One device domain's I/O page tables in machine memory (VT-d's second-level tables, in the
 * IOMMU's format, docs/devices.md "IOMMU"): a directory, made with the tables, and the page
 * tables that {@link DmaConfinement#map} makes with {@link #newTable}. For a device assigned to a
 * VM the I/O virtual addresses are the VM's guest-physical addresses.
 *
 * <p>The tables' frames are the VMM's, taken from the machine's free pool and given back by
 * {@link #free}. Entries are read and written with {@link #readWord} and {@link #writeWord}, which
 * reach the tables' own frames and nothing else: rules that compute a wrong entry address are
 * told so at once, instead of corrupting machine memory.
 */
public final class IoPageTables {
    /** Entries in a directory or a table. */
    public static final int ENTRIES = 1024;

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

    /** A new, empty page table (a zeroed frame of the tables'), its machine frame number. */
    public int newTable() {
        int table = frames.allocate(owner);
        tables.add(table);
        return table;
    }

    /** How many page tables there are besides the directory. */
    public int tableCount() {
        return tables.size();
    }

    /**
     * The word at machine address {@code address}, in the directory or one of the tables.
     *
     * @throws IllegalArgumentException if the address is in no frame of these tables, or not
     *                                  4-aligned
     */
    public int readWord(int address) {
        check("readWord", address);
        return memory.readWord(address);
    }

    /**
     * Writes an entry at machine address {@code address}, in the directory or one of the tables.
     *
     * @throws IllegalArgumentException if the address is in no frame of these tables, or not
     *                                  4-aligned
     */
    public void writeWord(int address, int value) {
        check("writeWord", address);
        memory.writeWord(address, value);
    }

    /** Gives the tables' frames back to the free pool. */
    public void free() {
        tables.forEach(frames::release);
        tables.clear();
        frames.release(directory);
    }

    private void check(String what, int address) {
        int frame = address >>> PhysicalMemory.PAGE_SHIFT;
        if ((address & 3) != 0 || frame != directory && !tables.contains(frame)) {
            throw new IllegalArgumentException(String.format("%s(0x%08x): not an entry of these I/O page tables"
                    + " (the directory is frame 0x%x, the tables %s); an entry's address is its table's frame"
                    + " << 12 plus 4 times its index", what, address, directory, hex(tables)));
        }
    }

    private static String hex(List<Integer> frames) {
        return frames.isEmpty() ? "none yet" : frames.stream().map(f -> "0x" + Integer.toHexString(f)).toList().toString();
    }
}
