package org.vmlab.labs.lab5;

import org.vmlab.device.passthrough.IoPageTables;
import org.vmlab.machine.device.DmaFault;
import org.vmlab.machine.device.DmaSpace;
import org.vmlab.machine.device.InterruptController;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/**
 * A small machine with an IOMMU whose disk goes through one set of I/O page tables: what Lab 5's
 * tests ask the IOMMU, as the assigned disk would.
 */
final class IommuBench {
    final PhysicalMemory memory;
    final MachineFrames frames;
    final Iommu iommu;
    final DmaSpace disk;
    final IoPageTables tables;

    IommuBench(int machineBytes) {
        memory = new PhysicalMemory(machineBytes);
        frames = new MachineFrames(memory, 16);
        iommu = new Iommu(memory, new InterruptController());
        disk = iommu.dmaFor(Iommu.SOURCE_DISK);
        tables = new IoPageTables(frames, "vm");
        int contextTable = frames.allocate(MachineFrames.VMM) << 12;
        memory.writeWord(contextTable + 4 * Iommu.SOURCE_DISK, tables.directoryFrame() << 12 | Iommu.CONTEXT_PRESENT);
        iommu.out(Iommu.RTADDR, contextTable);
        iommu.out(Iommu.GCMD, Iommu.TE);
    }

    /** A VM's memory of {@code bytes}, every frame backed, as passthrough pins it. */
    GuestPhysicalMemory pinnedVm(int bytes) {
        GuestPhysicalMemory vm = new GuestPhysicalMemory("vm", bytes, bytes >>> 12, frames);
        vm.populate("pinned for its assigned devices");
        return vm;
    }

    /** The machine address the disk's DMA to {@code iova} reaches, or -1 if it is blocked. */
    int reach(int iova, boolean write) {
        int marker = 0x5EED_0000 | iova >>> 12 & 0xFFFF;
        try {
            if (write) {
                disk.writeWord(iova, marker);
            } else {
                disk.readWord(iova);
            }
        } catch (DmaFault blocked) {
            return -1;
        }
        if (!write) {
            return 0;   // a read reached somewhere; callers that need where use a write
        }
        for (int address = 0; address < memory.size(); address += 4096) {
            if (memory.readWord(address + (iova & 0xFFC)) == marker) {
                memory.writeWord(address + (iova & 0xFFC), 0);
                return address + (iova & 0xFFF);
            }
        }
        return -1;
    }
}
