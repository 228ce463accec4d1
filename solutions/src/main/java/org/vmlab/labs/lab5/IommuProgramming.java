package org.vmlab.labs.lab5;

import org.vmlab.device.passthrough.DmaConfinement;
import org.vmlab.device.passthrough.IoPageTables;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.GuestPhysicalMemory;

/**
 * Lab 5: the I/O page tables that confine a device assigned to a VM, as a VMM programs Intel VT-d's
 * second-level tables for a device it gives a guest. The guest's driver programs the device with
 * guest-physical addresses; the IOMMU translates each one through these tables, and refuses,
 * and logs, whatever they do not map.
 */
public final class IommuProgramming implements DmaConfinement {

    @Override
    public void map(IoPageTables tables, int iova, int mfn, int permissions) {
        // BEGIN SOLUTION: find (or make) the page table for iova's directory entry, then write iova's entry: the frame and its permissions
        int both = Iommu.READ | Iommu.WRITE;
        int pde = (tables.directoryFrame() << PhysicalMemory.PAGE_SHIFT) + 4 * (iova >>> 22);
        int directoryEntry = tables.readWord(pde);
        if ((directoryEntry & both) == 0) {
            // The directory entry grants both: the table entry alone says what the page permits.
            directoryEntry = tables.newTable() << PhysicalMemory.PAGE_SHIFT | both;
            tables.writeWord(pde, directoryEntry);
        }
        int table = directoryEntry & ~(PhysicalMemory.PAGE_SIZE - 1);
        int pte = table + 4 * (iova >>> PhysicalMemory.PAGE_SHIFT & IoPageTables.ENTRIES - 1);
        tables.writeWord(pte, mfn << PhysicalMemory.PAGE_SHIFT | permissions & both);
        // END SOLUTION
    }

    @Override
    public void confine(IoPageTables tables, GuestPhysicalMemory memory) {
        // BEGIN SOLUTION: map every page of the VM's memory, at its guest-physical address, to its machine frame, readable and writable; nothing else
        for (int gfn = 0; gfn < memory.frames(); gfn++) {
            map(tables, gfn << PhysicalMemory.PAGE_SHIFT, memory.machineFrame(gfn), Iommu.READ | Iommu.WRITE);
        }
        // END SOLUTION
    }
}
