package org.vmlab.device.passthrough;

import org.vmlab.vmm.GuestPhysicalMemory;

/**
 * The decisions of passthrough that Lab 5 teaches: the I/O page tables that confine a device
 * assigned to a VM. {@link Passthrough} makes empty tables and points the IOMMU at them; these
 * rules fill them, in the IOMMU's format (docs/devices.md, "IOMMU": two levels, entries with a
 * frame in bits 31..12, {@link org.vmlab.machine.device.Iommu#READ} and
 * {@link org.vmlab.machine.device.Iommu#WRITE}, no present bit).
 *
 * <p>The device is programmed by the guest's own driver with guest-physical addresses: those are
 * the I/O virtual addresses the tables translate. What the tables map is all the device can ever
 * reach.
 */
public interface DmaConfinement {

    /**
     * Makes the page at I/O virtual address {@code iova} reach machine frame {@code mfn} with
     * {@code permissions} (a combination of {@code Iommu.READ} and {@code Iommu.WRITE}), making
     * the page table that holds its entry if the directory has none for it yet
     * ({@link IoPageTables#newTable}); the other pages the tables map are left as they were.
     */
    void map(IoPageTables tables, int iova, int mfn, int permissions);

    /**
     * Fills empty {@code tables} for an assigned device of the VM whose memory is {@code memory}
     * (every frame backed, none shared: the VM's memory is pinned): the device may read and write
     * every page of the VM's memory at its guest-physical address, and reach nothing else.
     */
    void confine(IoPageTables tables, GuestPhysicalMemory memory);
}
