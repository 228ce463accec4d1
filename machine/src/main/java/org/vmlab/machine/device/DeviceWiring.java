package org.vmlab.machine.device;

/**
 * How a board's DMA-capable devices, the disk and the network interface, reach memory and raise
 * their lines. A VM's board is wired as the VM's device model says: to the VM's own memory and
 * interrupt controller ({@link #STANDARD}, the emulated devices'), through the machine's IOMMU to
 * the VM's machine frames (a device assigned to the VM), or to a back-end driver that serves the
 * device for the VM (a split driver). Devices are named by their {@link Iommu} source ids,
 * {@link Iommu#SOURCE_DISK} and {@link Iommu#SOURCE_NIC}.
 */
public interface DeviceWiring {
    /** Every device reaches the board's memory and raises its lines on the board's controller. */
    DeviceWiring STANDARD = new DeviceWiring() {
    };

    /** What device {@code sourceId} reaches by DMA, given {@code standard}, the board's memory. */
    default DmaSpace dma(int sourceId, DmaSpace standard) {
        return standard;
    }

    /** Where device {@code sourceId} raises its line, given {@code standard}, the board's controller. */
    default InterruptSink interrupts(int sourceId, InterruptSink standard) {
        return standard;
    }
}
