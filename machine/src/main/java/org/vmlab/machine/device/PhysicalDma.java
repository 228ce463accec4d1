package org.vmlab.machine.device;

import org.vmlab.machine.memory.PhysicalMemory;

/**
 * DMA straight to RAM, as on a machine without an IOMMU: a device may read and write any physical
 * address that is RAM, whichever VM it belongs to. This is exactly the hole an IOMMU closes.
 *
 * <p>Writes go through {@link PhysicalMemory}, so a DMA into a frame of decoded code is reported
 * to its listener like a CPU store.
 */
public final class PhysicalDma implements DmaSpace {
    private final PhysicalMemory memory;

    public PhysicalDma(PhysicalMemory memory) {
        this.memory = memory;
    }

    @Override
    public byte[] read(int address, int length) throws DmaFault {
        checkInRam(address, length);
        return memory.read(address, length);
    }

    @Override
    public void write(int address, byte[] data) throws DmaFault {
        checkInRam(address, data.length);
        memory.write(address, data);
    }

    private void checkInRam(int address, int length) throws DmaFault {
        if (!memory.contains(address, length)) {
            throw new DmaFault(address, length,
                    String.format("outside RAM (0x%x bytes)", memory.size()));
        }
    }
}
