package org.vmlab.memory.pv;

import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/**
 * The mapping a direct-paging guest runs on before it loads its first base pointer: built by the
 * hypervisor, as Xen's domain builder builds a guest's initial tables, in frames the hypervisor
 * keeps (the guest can neither read nor write them). Every guest-physical page of the VM's RAM
 * maps its own machine frame, so that the kernel sees its memory as with paging off, for every
 * ring (paging off makes no difference between kernel and user), and the hypervisor keeps the
 * frames the guest pinned read-only here too. Device windows are left unmapped: an access there
 * faults, and the hypervisor emulates it.
 */
final class BuilderMapping {
    private static final int BITS = Pte.PRESENT | Pte.WRITABLE | Pte.USER;

    private final MachineFrames frames;
    private final PhysicalMemory machine;
    private final GuestPhysicalMemory memory;
    private final int directory;
    private final int[] tables;

    /** The mapping of {@code memory}, every frame of which is backed already. */
    BuilderMapping(GuestPhysicalMemory memory) {
        this.memory = memory;
        this.frames = memory.machineFrames();
        this.machine = frames.memory();
        this.directory = frames.allocate(MachineFrames.VMM);
        this.tables = new int[(memory.frames() + FrameTable.ENTRIES - 1) / FrameTable.ENTRIES];
        for (int pdi = 0; pdi < tables.length; pdi++) {
            tables[pdi] = frames.allocate(MachineFrames.VMM);
            machine.writeWord(address(directory, pdi), Pte.entry(tables[pdi] << PhysicalMemory.PAGE_SHIFT, BITS));
        }
        for (int gfn = 0; gfn < memory.frames(); gfn++) {
            map(gfn, BITS);
        }
    }

    /** The machine address of the directory: what the real cr3 holds while the guest runs on it. */
    int root() {
        return directory << PhysicalMemory.PAGE_SHIFT;
    }

    /** Guest frame {@code gfn} becomes read-only (it was pinned) or writable again (unpinned). */
    void setReadOnly(int gfn, boolean readOnly) {
        map(gfn, readOnly ? BITS & ~Pte.WRITABLE : BITS);
    }

    /** The entry that maps guest-physical page {@code gfn}. */
    int entry(int gfn) {
        return machine.readWord(address(tables[gfn / FrameTable.ENTRIES], gfn % FrameTable.ENTRIES));
    }

    /** Gives its frames back to the hypervisor. */
    void release() {
        for (int table : tables) {
            frames.release(table);
        }
        frames.release(directory);
    }

    private void map(int gfn, int bits) {
        int mfn = memory.machineFrame(gfn);
        machine.writeWord(address(tables[gfn / FrameTable.ENTRIES], gfn % FrameTable.ENTRIES),
                Pte.entry(mfn << PhysicalMemory.PAGE_SHIFT, bits));
    }

    private static int address(int frame, int index) {
        return frame << PhysicalMemory.PAGE_SHIFT | index << 2;
    }
}
