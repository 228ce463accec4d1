package org.vmlab.vmm;

import org.vmlab.machine.device.DmaFault;
import org.vmlab.machine.device.DmaSpace;

/**
 * DMA of a VM's emulated devices: guest-physical addresses, confined to the VM's own memory. A
 * transfer that reaches beyond guest RAM moves nothing and fails, as on a bare machine whose DMA
 * runs off the end of RAM; it can never touch a frame of the VMM or of another VM.
 */
final class GuestDma implements DmaSpace {
    private final GuestPhysicalMemory memory;

    GuestDma(GuestPhysicalMemory memory) {
        this.memory = memory;
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
            throw new DmaFault(address, length,
                    String.format("outside guest RAM (0x%x bytes)", memory.size()));
        }
    }
}
