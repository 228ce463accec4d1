package org.vmlab.machine.device;

/**
 * A device's DMA reached an address it may not touch: outside RAM or, behind an IOMMU, outside
 * what the device was granted.
 *
 * <p>It is a checked exception on purpose: every device that does DMA must decide what the fault
 * means for it (the disk reports an error status, the network interface skips or drops a frame).
 * A DMA fault never reaches the CPU as an exception; the guest only sees the device's status.
 */
public final class DmaFault extends Exception {
    private final int address;
    private final int length;

    public DmaFault(int address, int length, String reason) {
        super(String.format("DMA of %d bytes at physical 0x%08x: %s", length, address, reason));
        this.address = address;
        this.length = length;
    }

    /** The first physical address of the refused access. */
    public int address() {
        return address;
    }

    /** The number of bytes the refused access would have moved. */
    public int length() {
        return length;
    }
}
