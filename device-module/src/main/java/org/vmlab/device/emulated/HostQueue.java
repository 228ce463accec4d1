package org.vmlab.device.emulated;

import java.util.function.IntConsumer;
import org.vmlab.machine.device.DmaFault;
import org.vmlab.machine.device.DmaSpace;

/**
 * The host side of an emulated device: each block of data the device model moves (a disk
 * request's sectors, a frame) goes through the host's own driver for the real device, and is
 * copied between the host's buffer and the guest's memory. The model's descriptor and status words
 * are the model's own business and cost nothing here.
 */
final class HostQueue implements DmaSpace {
    private final DmaSpace guest;
    private final IntConsumer request;

    /**
     * @param guest   the guest's memory, as the device model reaches it
     * @param request told the size of each block moved, to charge its trip through the host
     */
    HostQueue(DmaSpace guest, IntConsumer request) {
        this.guest = guest;
        this.request = request;
    }

    @Override
    public byte[] read(int address, int length) throws DmaFault {
        byte[] data = guest.read(address, length);
        request.accept(length);
        return data;
    }

    @Override
    public void write(int address, byte[] data) throws DmaFault {
        guest.write(address, data);
        request.accept(data.length);
    }

    @Override
    public int readWord(int address) throws DmaFault {
        return guest.readWord(address);
    }

    @Override
    public void writeWord(int address, int value) throws DmaFault {
        guest.writeWord(address, value);
    }
}
