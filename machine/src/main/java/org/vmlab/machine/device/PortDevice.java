package org.vmlab.machine.device;

/**
 * A device reached through port I/O ({@code in} and {@code out}).
 *
 * <p>The {@link IoBus} passes the port's offset from the device's first port, so a device does not
 * need to know where it was attached. Ports move 32-bit values.
 */
public interface PortDevice {
    /** A short name for traces and errors, such as {@code "disk"}. */
    String name();

    /** The value of an {@code in} from the port at {@code offset}. */
    int in(int offset);

    /** An {@code out} of {@code value} to the port at {@code offset}. */
    void out(int offset, int value);
}
