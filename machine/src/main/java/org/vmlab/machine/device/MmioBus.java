package org.vmlab.machine.device;

import java.util.ArrayList;
import java.util.List;

/**
 * The memory-mapped I/O space: physical addresses above RAM that belong to device registers.
 * An address no device claims reads as all ones and ignores writes.
 */
public final class MmioBus {
    private record Window(long base, long size, MmioDevice device) {
        boolean contains(long pa) {
            return pa >= base && pa < base + size;
        }
    }

    private final List<Window> windows = new ArrayList<>();
    private final java.util.Set<Long> passedThrough = new java.util.HashSet<>();
    private boolean trapping;

    /** Maps {@code device}'s registers at physical {@code base .. base+size-1}. */
    public void attach(int base, int size, MmioDevice device) {
        long b = Integer.toUnsignedLong(base);
        if (size <= 0 || b + size > 1L << 32) {
            throw new IllegalArgumentException(String.format(
                    "bad MMIO window 0x%08x+0x%x for %s", base, size, device.name()));
        }
        for (Window w : windows) {
            if (b < w.base + w.size && w.base < b + size) {
                throw new IllegalArgumentException(String.format(
                        "MMIO window 0x%08x+0x%x of %s overlaps %s", base, size, device.name(),
                        w.device.name()));
            }
        }
        windows.add(new Window(b, size, device));
    }

    /** A load from physical {@code pa}: the register's value, or {@link IoBus#FLOATING}. */
    public int read(int pa) {
        Window w = find(pa);
        return w == null ? IoBus.FLOATING : w.device.read((int) (Integer.toUnsignedLong(pa) - w.base) & ~3);
    }

    /** A store to physical {@code pa}; ignored if no device claims it. */
    public void write(int pa, int value) {
        Window w = find(pa);
        if (w != null) {
            w.device.write((int) (Integer.toUnsignedLong(pa) - w.base) & ~3, value);
        }
    }

    /**
     * When a monitor owns the machine, device registers are its own: from now on a guest's load or
     * store that reaches this space traps (a page fault, present, for the monitor to emulate)
     * instead of touching a device, in every window: those {@link #passThrough} named before are
     * forgotten, and a monitor names again the windows of the guest it switches in.
     */
    public void setTrapping(boolean trapping) {
        this.trapping = trapping;
        passedThrough.clear();
    }

    /**
     * Puts {@code device} in the window that starts at {@code base}, in place of the device there
     * (a device moved to another owner, as one assigned to a VM), and returns the device that was
     * there.
     *
     * @throws IllegalArgumentException if no window starts at {@code base}
     */
    public MmioDevice replace(int base, MmioDevice device) {
        long b = Integer.toUnsignedLong(base);
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            if (w.base == b) {
                windows.set(i, new Window(b, w.size, device));
                return w.device;
            }
        }
        throw new IllegalArgumentException(String.format("no MMIO window starts at 0x%08x", base));
    }

    /**
     * Lets the guest reach the device whose window starts at {@code base} directly, without a
     * trap: a device assigned to one VM (passthrough).
     *
     * @throws IllegalArgumentException if no window starts there
     */
    public void passThrough(int base) {
        long b = Integer.toUnsignedLong(base);
        if (windows.stream().noneMatch(w -> w.base == b)) {
            throw new IllegalArgumentException(String.format("no MMIO window starts at 0x%08x", base));
        }
        passedThrough.add(b);
    }

    /** True if some device's window holds a byte of physical {@code pa .. pa+size-1}. */
    public boolean overlaps(int pa, int size) {
        long start = Integer.toUnsignedLong(pa);
        return windows.stream().anyMatch(w -> start < w.base + w.size && w.base < start + size);
    }

    /** Whether an access to physical {@code pa} traps to the monitor ({@link #setTrapping}). */
    public boolean traps(int pa) {
        if (!trapping) {
            return false;
        }
        Window w = find(pa);
        return w == null || !passedThrough.contains(w.base);
    }

    private Window find(int pa) {
        long a = Integer.toUnsignedLong(pa);
        for (Window w : windows) {
            if (w.contains(a)) {
                return w;
            }
        }
        return null;
    }
}
