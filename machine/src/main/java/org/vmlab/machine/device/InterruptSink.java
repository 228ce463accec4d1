package org.vmlab.machine.device;

/**
 * Where a device raises and lowers its interrupt line: the interrupt controller itself, or, on a
 * machine with an IOMMU, the IOMMU's interrupt remapping, which may deliver the request on another
 * line or block it ({@link Iommu}).
 */
public interface InterruptSink {
    /** The device asks for attention on {@code line} ({@link InterruptController#request}). */
    void request(int line);

    /** A level-triggered device lowers {@code line} ({@link InterruptController#withdraw}). */
    void withdraw(int line);
}
