package org.vmlab.memory.shadow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.MachineFrames;

/**
 * One shadow page table: the page tables the real MMU walks while the guest runs one of its
 * address spaces. It maps guest-virtual pages straight to machine frames, so the hardware never
 * sees the guest's own tables (guest-virtual to guest-physical) nor the VMM's map (guest-physical
 * to machine): the shadow is their composition, built entry by entry on hidden page faults.
 *
 * <p>Its directory and tables are machine frames that the VMM owns; the guest can neither read nor
 * write them. Directory entries are made fully permissive (present, writable, user); each table
 * entry carries the permissions the VMM decided for that page.
 */
public final class ShadowPageTable {
    private static final int ENTRIES = 1024;
    private static final int DIRECTORY_BITS = Pte.PRESENT | Pte.WRITABLE | Pte.USER;

    private final int key;
    private final MachineFrames frames;
    private final PhysicalMemory machine;
    private final int directory;
    private final int[] tables = new int[ENTRIES];   // machine frame of each table, 0 if none
    // Where each machine frame is mapped writable, so that it can be write-protected later.
    private final Map<Integer, List<Integer>> writableMappings = new HashMap<>();
    private int tableCount;

    /** An empty shadow for the guest address space {@code key} (its cr3, or any other key). */
    public ShadowPageTable(int key, MachineFrames frames) {
        this.key = key;
        this.frames = frames;
        this.machine = frames.memory();
        this.directory = frames.allocate(MachineFrames.VMM);
    }

    /** The guest address space this shadows: the guest's cr3, or {@link ShadowPaging#PHYSICAL_MODE}. */
    public int key() {
        return key;
    }

    /** The machine address of the shadow directory: what the real cr3 holds. */
    public int root() {
        return directory << PhysicalMemory.PAGE_SHIFT;
    }

    /** Shadow tables in use (beside the directory). */
    public int tables() {
        return tableCount;
    }

    /** The shadow entry for {@code va}: a machine frame address and bits, or 0 if none. */
    public int lookup(int va) {
        int table = tables[Pte.directoryIndex(va)];
        return table == 0 ? 0 : machine.readWord(entryAddress(table, va));
    }

    /** Maps {@code va}'s page to machine frame {@code mfn} with {@code bits} (present included). */
    public void map(int va, int mfn, int bits) {
        int pdi = Pte.directoryIndex(va);
        if (tables[pdi] == 0) {
            tables[pdi] = frames.allocate(MachineFrames.VMM);
            tableCount++;
            machine.writeWord(root() + (pdi << 2), Pte.entry(tables[pdi] << PhysicalMemory.PAGE_SHIFT, DIRECTORY_BITS));
        }
        machine.writeWord(entryAddress(tables[pdi], va), Pte.entry(mfn << PhysicalMemory.PAGE_SHIFT, bits));
        if ((bits & Pte.WRITABLE) != 0) {
            writableMappings.computeIfAbsent(mfn, f -> new ArrayList<>()).add(va & Pte.FRAME_MASK);
        }
    }

    /** Removes the mapping of {@code va}'s page, if any. */
    public void unmap(int va) {
        int table = tables[Pte.directoryIndex(va)];
        if (table != 0) {
            machine.writeWord(entryAddress(table, va), 0);
        }
    }

    /** Removes every mapping in the 4 MiB that directory entry {@code pdi} covers, and its table. */
    public void dropTable(int pdi) {
        int table = tables[pdi];
        if (table == 0) {
            return;
        }
        machine.writeWord(root() + (pdi << 2), 0);
        frames.release(table);
        tables[pdi] = 0;
        tableCount--;
    }

    /**
     * Takes write permission away from every mapping of machine frame {@code mfn}.
     *
     * @return the virtual pages whose entries changed (their TLB entries are stale)
     */
    public List<Integer> writeProtect(int mfn) {
        List<Integer> mapped = writableMappings.remove(mfn);
        List<Integer> changed = new ArrayList<>();
        if (mapped == null) {
            return changed;
        }
        for (int va : mapped) {
            int entry = lookup(va);
            if ((entry & Pte.PRESENT) != 0 && (entry & Pte.WRITABLE) != 0
                    && entry >>> PhysicalMemory.PAGE_SHIFT == mfn) {
                machine.writeWord(entryAddress(tables[Pte.directoryIndex(va)], va), entry & ~Pte.WRITABLE);
                changed.add(va);
            }
        }
        return changed;
    }

    /**
     * Takes write permission away from every mapping of every machine frame: what a dirty log
     * does at its start and after each collection, so that the guest's next write to any page
     * faults and is logged.
     *
     * @return the virtual pages whose entries changed (their TLB entries are stale)
     */
    public List<Integer> writeProtectAll() {
        List<Integer> changed = new ArrayList<>();
        for (int mfn : List.copyOf(writableMappings.keySet())) {
            changed.addAll(writeProtect(mfn));
        }
        return changed;
    }

    /**
     * Removes every mapping of machine frame {@code mfn}: the guest frame it backed moved to
     * another frame, or was given back.
     *
     * @return the virtual pages unmapped (their TLB entries are stale)
     */
    public List<Integer> unmapFrame(int mfn) {
        writableMappings.remove(mfn);
        List<Integer> unmapped = new ArrayList<>();
        for (int pdi = 0; pdi < ENTRIES; pdi++) {
            if (tables[pdi] == 0) {
                continue;
            }
            for (int pti = 0; pti < ENTRIES; pti++) {
                int va = pdi << 22 | pti << PhysicalMemory.PAGE_SHIFT;
                int entry = machine.readWord(entryAddress(tables[pdi], va));
                if ((entry & Pte.PRESENT) != 0 && entry >>> PhysicalMemory.PAGE_SHIFT == mfn) {
                    machine.writeWord(entryAddress(tables[pdi], va), 0);
                    unmapped.add(va);
                }
            }
        }
        return unmapped;
    }

    /** Gives every frame of this shadow back to the VMM. */
    public void release() {
        for (int pdi = 0; pdi < ENTRIES; pdi++) {
            dropTable(pdi);
        }
        frames.release(directory);
    }

    private static int entryAddress(int table, int va) {
        return (table << PhysicalMemory.PAGE_SHIFT) | (Pte.tableIndex(va) << 2);
    }
}
