package org.vmlab.machine.device;

import org.vmlab.machine.memory.Ram;

/**
 * DMA confined to one {@link Ram}: a transfer that reaches beyond it moves nothing and fails, as on
 * a machine whose DMA runs off the end of memory. Over the machine's RAM it is a machine without
 * an IOMMU: a device may read and write any frame, whichever VM it belongs to, exactly the hole an
 * IOMMU closes. Over a VM's guest-physical memory it is the DMA of that VM's emulated devices,
 * which can never touch a frame of the VMM or of another VM.
 *
 * <p>Writes go through the memory itself, so a DMA into a frame of decoded or translated code is
 * reported to its listeners like a CPU store.
 */
public final class BoundedDma implements DmaSpace {
    private final Ram memory;
    private final String name;

    /**
     * @param memory what the device reaches
     * @param name   what it is called in a fault's reason ("RAM", "guest RAM")
     */
    public BoundedDma(Ram memory, String name) {
        this.memory = memory;
        this.name = name;
    }

    /** Frames of 4 KiB that the device reaches: the memory's size over 4096. */
    public int frames() {
        return memory.size() >>> 12;
    }

    @Override
    public byte[] read(int address, int length) throws DmaFault {
        check(address, length);
        return memory.read(address, length);
    }

    @Override
    public void write(int address, byte[] data) throws DmaFault {
        check(address, data.length);
        memory.write(address, data);
    }

    private void check(int address, int length) throws DmaFault {
        if (!memory.contains(address, length)) {
            throw new DmaFault(address, length, String.format("outside %s (0x%x bytes)", name, memory.size()));
        }
    }
}
