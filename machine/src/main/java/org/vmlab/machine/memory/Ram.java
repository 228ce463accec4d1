package org.vmlab.machine.memory;

/**
 * Memory a device can reach by DMA: the machine's RAM, or a VM's guest-physical memory. Addresses
 * are bytes from 0; what lies past {@link #size()} is not RAM.
 */
public interface Ram {

    /** Its size in bytes. */
    int size();

    /** True if {@code [address, address+length)} lies inside it. */
    boolean contains(int address, int length);

    /** {@code length} bytes from {@code address}, which must lie inside. */
    byte[] read(int address, int length);

    /** Writes {@code data} at {@code address}, which must lie inside. */
    void write(int address, byte[] data);
}
