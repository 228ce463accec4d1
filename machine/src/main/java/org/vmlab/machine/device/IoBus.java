package org.vmlab.machine.device;

import java.util.ArrayList;
import java.util.List;

/**
 * The port I/O address space: routes {@code in} and {@code out} to the device attached at that
 * port. As on a PC, a port nobody answers reads as all ones and ignores writes.
 */
public final class IoBus {
    /** What an {@code in} from an unattached port returns. */
    public static final int FLOATING = 0xFFFF_FFFF;

    private record Range(int first, int count, PortDevice device) {
        boolean contains(int port) {
            return port >= first && port < first + count;
        }
    }

    private final List<Range> ranges = new ArrayList<>();
    private final java.util.BitSet permitted = new java.util.BitSet();

    /** Attaches {@code device} to ports {@code first .. first+count-1}. */
    public void attach(int first, int count, PortDevice device) {
        if (count <= 0 || (long) first + count - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(
                    "bad port range 0x%x+%d for %s", first, count, device.name()));
        }
        for (Range r : ranges) {
            if (first < r.first + r.count && r.first < first + count) {
                throw new IllegalArgumentException(String.format(
                        "ports 0x%x..0x%x of %s overlap %s", first, first + count - 1,
                        device.name(), r.device.name()));
            }
        }
        ranges.add(new Range(first, count, device));
    }

    /** The value of an {@code in} from {@code port}: the device's answer, or {@link #FLOATING}. */
    public int in(int port) {
        Range r = find(port);
        return r == null ? FLOATING : r.device.in(port - r.first);
    }

    /** An {@code out} of {@code value} to {@code port}; ignored if no device is attached there. */
    public void out(int port, int value) {
        Range r = find(port);
        if (r != null) {
            r.device.out(port - r.first, value);
        }
    }

    /**
     * Puts {@code device} at the ports where another device was attached at {@code first}, in its
     * place (a device moved to another owner, as one assigned to a VM), and returns the device
     * that was there.
     *
     * @throws IllegalArgumentException if no device is attached at {@code first}
     */
    public PortDevice replace(int first, PortDevice device) {
        for (int i = 0; i < ranges.size(); i++) {
            Range r = ranges.get(i);
            if (r.first == first) {
                ranges.set(i, new Range(first, r.count, device));
                return r.device;
            }
        }
        throw new IllegalArgumentException(String.format("no device is attached at port 0x%x", first));
    }

    /**
     * The I/O permission bitmap (x86's, in the task-state segment): lets code outside ring 0
     * execute {@code in} and {@code out} at ports {@code first .. first+count-1} without a
     * general-protection fault. A monitor gives a VM the ports of a device assigned to it.
     */
    public void permit(int first, int count) {
        permitted.set(first, first + count);
    }

    /** Clears the I/O permission bitmap: {@code in} and {@code out} trap outside ring 0 again. */
    public void revokeAll() {
        permitted.clear();
    }

    /** Whether code outside ring 0 may reach {@code port} ({@link #permit}). */
    public boolean permitted(int port) {
        return port >= 0 && permitted.get(port);
    }

    private Range find(int port) {
        for (Range r : ranges) {
            if (r.contains(port)) {
                return r;
            }
        }
        return null;
    }
}
