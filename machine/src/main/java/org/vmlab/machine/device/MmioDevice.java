package org.vmlab.machine.device;

/**
 * A device whose registers are memory-mapped: loads and stores of physical addresses in its window
 * become register reads and writes.
 *
 * <p>The {@link MmioBus} passes the offset from the window's base. Registers are 32-bit words; the
 * CPU only issues aligned word accesses to them (a byte access to MMIO reads or writes the whole
 * word that contains it).
 */
public interface MmioDevice {
    /** A short name for traces and errors, such as {@code "nic"}. */
    String name();

    /** The register at {@code offset} (a multiple of 4). */
    int read(int offset);

    /** Writes the register at {@code offset} (a multiple of 4). */
    void write(int offset, int value);
}
