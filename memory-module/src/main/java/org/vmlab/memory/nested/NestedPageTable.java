package org.vmlab.memory.nested;

import org.vmlab.machine.memory.NestedPte;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/**
 * A VM's nested page tables (Intel's EPT paging structures, SDM vol. 3, 29.3): guest-physical to
 * machine, in the shape docs/isa.md gives them ("Nested paging"), two levels indexed as the
 * guest's own tables are. The MMU walks them after (and during) the guest's own walk; the VMM
 * alone writes them, and they live in frames the VMM owns, which no guest-physical address reaches.
 *
 * <p>Unlike a shadow page table there is one per VM, whatever address spaces the guest switches
 * between: guest-physical memory is the same for all of them, so the guest's {@code cr3} needs no
 * VMM at all.
 */
public final class NestedPageTable {
    private static final int ENTRIES = 1024;

    private final MachineFrames frames;
    private final PhysicalMemory machine;
    private final int directory;
    private final int[] tables = new int[ENTRIES];   // machine frame of each table, 0 if none
    private int tableCount;
    private int mapped;

    /** Empty tables: every guest-physical access violates until mapped. */
    public NestedPageTable(MachineFrames frames) {
        this.frames = frames;
        this.machine = frames.memory();
        this.directory = frames.allocate(MachineFrames.VMM);
    }

    /** The machine address of the nested directory: the EPT pointer. */
    public int root() {
        return directory << PhysicalMemory.PAGE_SHIFT;
    }

    /** Nested tables in use, beside the directory. */
    public int tables() {
        return tableCount;
    }

    /** Guest frames mapped now. */
    public int mapped() {
        return mapped;
    }

    /** The entry of guest frame {@code gfn}: a frame address and permissions, or 0 if none. */
    public int lookup(int gfn) {
        int table = tables[gfn >>> 10];
        return table == 0 ? 0 : machine.readWord(entryAddress(table, gfn));
    }

    /**
     * Maps guest frame {@code gfn} to machine frame {@code mfn} with {@code permissions} (of
     * {@link NestedPte#READ}, {@link NestedPte#WRITE}, {@link NestedPte#EXECUTE}), building the
     * table on the way if needed. The directory entry lets everything: the table entry decides.
     *
     * @return the entry it replaced (0 if none)
     */
    public int map(int gfn, int mfn, int permissions) {
        int pdi = gfn >>> 10;
        if (tables[pdi] == 0) {
            tables[pdi] = frames.allocate(MachineFrames.VMM);
            tableCount++;
            machine.writeWord(root() + 4 * pdi, NestedPte.of(tables[pdi] << PhysicalMemory.PAGE_SHIFT,
                    NestedPte.PERMISSIONS));
        }
        int address = entryAddress(tables[pdi], gfn);
        int old = machine.readWord(address);
        machine.writeWord(address, NestedPte.of(mfn << PhysicalMemory.PAGE_SHIFT, permissions));
        if (!NestedPte.present(old)) {
            mapped++;
        }
        return old;
    }

    /** Removes guest frame {@code gfn}'s entry. True if it had one. */
    public boolean unmap(int gfn) {
        int table = tables[gfn >>> 10];
        if (table == 0 || !NestedPte.present(machine.readWord(entryAddress(table, gfn)))) {
            return false;
        }
        machine.writeWord(entryAddress(table, gfn), 0);
        mapped--;
        return true;
    }

    /** Takes write permission from guest frame {@code gfn}'s entry. True if it had it. */
    public boolean writeProtect(int gfn) {
        int table = tables[gfn >>> 10];
        if (table == 0) {
            return false;
        }
        int address = entryAddress(table, gfn);
        int entry = machine.readWord(address);
        if ((entry & NestedPte.WRITE) == 0) {
            return false;
        }
        machine.writeWord(address, entry & ~NestedPte.WRITE);
        return true;
    }

    /**
     * Clears the dirty bit of every entry that has it (the processor set it at a write through the
     * entry, docs/isa.md "Nested paging") and tells {@code dirty} each such guest frame. The TLB
     * may still hold translations that let the page be written without a walk: invalidate them.
     *
     * @return how many entries were dirty
     */
    public int collectDirty(java.util.function.IntConsumer dirty) {
        int found = 0;
        for (int pdi = 0; pdi < ENTRIES; pdi++) {
            if (tables[pdi] == 0) {
                continue;
            }
            for (int i = 0; i < ENTRIES; i++) {
                int address = (tables[pdi] << PhysicalMemory.PAGE_SHIFT) + 4 * i;
                int entry = machine.readWord(address);
                if (NestedPte.present(entry) && (entry & NestedPte.DIRTY) != 0) {
                    machine.writeWord(address, entry & ~NestedPte.DIRTY);
                    dirty.accept(pdi << 10 | i);
                    found++;
                }
            }
        }
        return found;
    }

    /** Gives every frame of the tables back to the VMM's pool. */
    public void release() {
        for (int pdi = 0; pdi < ENTRIES; pdi++) {
            if (tables[pdi] != 0) {
                frames.release(tables[pdi]);
                tables[pdi] = 0;
            }
        }
        frames.release(directory);
        tableCount = 0;
        mapped = 0;
    }

    private static int entryAddress(int table, int gfn) {
        return (table << PhysicalMemory.PAGE_SHIFT) + 4 * (gfn & (ENTRIES - 1));
    }
}
