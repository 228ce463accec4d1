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
        throw new UnsupportedOperationException("TODO(lab5): find (or make) the page table for iova's directory entry, then write iova's entry: the frame and its permissions");
    }

    @Override
    public void confine(IoPageTables tables, GuestPhysicalMemory memory) {
        throw new UnsupportedOperationException("TODO(lab5): map every page of the VM's memory, at its guest-physical address, to its machine frame, readable and writable; nothing else");
    }
}
