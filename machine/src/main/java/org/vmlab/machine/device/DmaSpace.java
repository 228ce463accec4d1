package org.vmlab.machine.device;

/**
 * What a device sees of memory when it does DMA: reads and writes by physical address, without
 * the CPU.
 *
 * <p>Devices never hold {@link org.vmlab.machine.memory.PhysicalMemory} directly; they go through
 * this interface so that an IOMMU can sit between them and RAM, remapping and confining each
 * device's accesses (the passthrough lab). {@link BoundedDma} over the machine's RAM is the machine
 * without an IOMMU; the machine's {@link Iommu} gives each device its own view ({@link Iommu#dmaFor}).
 *
 * <p>Contract: an access moves all of its bytes or none of them. If any byte of it is not
 * reachable, it throws {@link DmaFault} and memory is unchanged.
 */
public interface DmaSpace {
    /** Copies {@code length} bytes starting at physical {@code address}. */
    byte[] read(int address, int length) throws DmaFault;

    /** Copies {@code data} to physical memory starting at {@code address}. */
    void write(int address, byte[] data) throws DmaFault;

    /** Reads the little-endian 32-bit word at {@code address} (any alignment). */
    default int readWord(int address) throws DmaFault {
        byte[] b = read(address, 4);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    /** Writes {@code value} as a little-endian 32-bit word at {@code address} (any alignment). */
    default void writeWord(int address, int value) throws DmaFault {
        write(address, new byte[] {
            (byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
    }
}
