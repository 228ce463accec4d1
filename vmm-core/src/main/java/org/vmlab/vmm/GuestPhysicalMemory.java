package org.vmlab.vmm;

import java.util.Arrays;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;
import org.vmlab.machine.memory.MemoryDigest;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Ram;

/**
 * A VM's guest-physical memory: what the guest believes is RAM from 0 to {@link #size()}, backed
 * by machine frames that the VMM hands out on first use. The physical-to-machine map (p2m) says
 * which machine frame holds each guest frame; a guest frame never touched reads as zeros and
 * costs nothing.
 *
 * <p>Guest-physical addresses beyond {@link #size()} are not RAM: as on the bare machine they
 * belong to memory-mapped devices, which the VMM emulates. A VM may hold at most
 * {@link #frameLimit()} machine frames; one more is refused with {@link MemoryLimitExceeded}.
 */
public final class GuestPhysicalMemory implements Ram {
    private static final int NONE = -1;
    private static final int PAGE_SHIFT = PhysicalMemory.PAGE_SHIFT;

    private final String owner;
    private final int size;
    private final int frameLimit;
    private final MachineFrames machineFrames;
    private final PhysicalMemory machine;
    private final int[] p2m;
    private int framesInUse;
    private WriteListener[] writeListeners = new WriteListener[0];

    /** Told of every write the VMM or a virtual device makes into guest memory. */
    @FunctionalInterface
    public interface WriteListener {
        void written(int gpa);
    }

    public GuestPhysicalMemory(String owner, int sizeBytes, int frameLimit, MachineFrames machineFrames) {
        if (sizeBytes <= 0 || sizeBytes % PhysicalMemory.PAGE_SIZE != 0) {
            throw new IllegalArgumentException(
                    "guest memory must be a positive multiple of 4096 bytes, was " + sizeBytes);
        }
        this.owner = owner;
        this.size = sizeBytes;
        this.frameLimit = frameLimit;
        this.machineFrames = machineFrames;
        this.machine = machineFrames.memory();
        this.p2m = new int[sizeBytes >>> PAGE_SHIFT];
        Arrays.fill(p2m, NONE);
    }

    public int size() {
        return size;
    }

    public int frames() {
        return p2m.length;
    }

    public int frameLimit() {
        return frameLimit;
    }

    /** Machine frames this VM holds now. */
    public int framesInUse() {
        return framesInUse;
    }

    /** True if guest-physical {@code gpa} is RAM (and not a device). */
    public boolean isRam(int gpa) {
        return gpa >= 0 && gpa < size;
    }

    /** True if {@code [gpa, gpa+length)} lies inside guest RAM. */
    public boolean contains(int gpa, int length) {
        long start = Integer.toUnsignedLong(gpa);
        return length >= 0 && start + length <= size;
    }

    /**
     * The machine frame that holds guest frame {@code gfn}, handed out now if this is its first use.
     *
     * @throws MemoryLimitExceeded if the VM already holds its limit of frames
     */
    public int machineFrame(int gfn) {
        if (gfn < 0 || gfn >= p2m.length) {
            throw new IllegalArgumentException(String.format("machineFrame(0x%x): guest frame"
                    + " 0x%x is outside %s's memory (guest frames 0x0..0x%x)%s", gfn, gfn, owner,
                    p2m.length - 1, gfn >= p2m.length
                            ? ": is it an address rather than a frame number (address >>> 12)?"
                            : ""));
        }
        int mfn = p2m[gfn];
        if (mfn == NONE) {
            if (framesInUse >= frameLimit) {
                throw new MemoryLimitExceeded(String.format(
                        "%s touched guest frame 0x%05x beyond its limit of %d machine frames (%d KiB)",
                        owner, gfn, frameLimit, frameLimit * 4));
            }
            mfn = machineFrames.allocate(owner);
            p2m[gfn] = mfn;
            framesInUse++;
        }
        return mfn;
    }

    /**
     * Backs every guest frame by the machine frame of the same number, at once: guest-physical
     * addresses become machine addresses. For a VM that owns the whole machine and whose page
     * tables the real MMU walks as they are.
     *
     * @throws MachineFrames.OutOfMachineMemory if any of those frames is taken
     */
    public void backIdentically() {
        for (int gfn = 0; gfn < p2m.length; gfn++) {
            if (p2m[gfn] != gfn) {
                if (p2m[gfn] != NONE) {
                    throw new IllegalStateException("guest frame " + gfn + " is already backed by machine frame " + p2m[gfn]);
                }
                p2m[gfn] = machineFrames.claim(gfn, owner);
                framesInUse++;
            }
        }
    }

    /** Gives every machine frame back to the free pool: the VM is going. */
    void releaseAll() {
        for (int gfn = 0; gfn < p2m.length; gfn++) {
            if (p2m[gfn] != NONE) {
                machineFrames.release(p2m[gfn]);
                p2m[gfn] = NONE;
            }
        }
        framesInUse = 0;
    }

    /** The machine address of guest-physical {@code gpa} (RAM), its frame handed out if need be. */
    public int machineAddress(int gpa) {
        return (machineFrame(gpa >>> PAGE_SHIFT) << PAGE_SHIFT) | (gpa & 0xFFF);
    }

    /** The allocator this memory's frames come from (the VMM's, shared by every VM). */
    public MachineFrames machineFrames() {
        return machineFrames;
    }

    /** True if machine frame {@code mfn} belongs to this VM. */
    public boolean owns(int mfn) {
        return owner.equals(machineFrames.owner(mfn));
    }

    /**
     * Adds a listener told of every write the VMM or a virtual device makes into guest memory (not
     * the guest's own stores, which run on the real MMU): shadow paging traces page tables with it.
     */
    public void addWriteListener(WriteListener listener) {
        writeListeners = Arrays.copyOf(writeListeners, writeListeners.length + 1);
        writeListeners[writeListeners.length - 1] = listener;
    }

    /** Removes a listener {@link #addWriteListener} added (the same object). */
    public void removeWriteListener(WriteListener listener) {
        writeListeners = Arrays.stream(writeListeners).filter(l -> l != listener).toArray(WriteListener[]::new);
    }

    private void written(int gpa) {
        for (WriteListener listener : writeListeners) {
            listener.written(gpa);
        }
    }

    // --- access by the VMM and by virtual devices ----------------------------------------------

    /** A guest-physical address outside RAM is a caller's mistake: say which call and address. */
    private void checkAddress(String call, int gpa) {
        if (Integer.compareUnsigned(gpa, size) >= 0) {
            throw new IllegalArgumentException(String.format("%s(0x%08x): guest-physical address"
                    + " outside %s's RAM (0x0..0x%08x)", call, gpa, owner, size - 1));
        }
    }

    public int readWord(int gpa) {
        checkAddress("readWord", gpa);
        int mfn = p2m[gpa >>> PAGE_SHIFT];
        return mfn == NONE ? 0 : machine.readWord((mfn << PAGE_SHIFT) | (gpa & 0xFFF));
    }

    public void writeWord(int gpa, int value) {
        checkAddress("writeWord", gpa);
        machine.writeWord(machineAddress(gpa), value);
        written(gpa);
    }

    /**
     * Writes without telling the write listener: for the accessed and dirty bits that a page walk
     * sets in the guest's own entries, which change no mapping that anyone caches.
     */
    public void writeWordQuietly(int gpa, int value) {
        checkAddress("writeWordQuietly", gpa);
        machine.writeWord(machineAddress(gpa), value);
    }

    public int readByte(int gpa) {
        checkAddress("readByte", gpa);
        int mfn = p2m[gpa >>> PAGE_SHIFT];
        return mfn == NONE ? 0 : machine.readByte((mfn << PAGE_SHIFT) | (gpa & 0xFFF));
    }

    public void writeByte(int gpa, int value) {
        checkAddress("writeByte", gpa);
        machine.writeByte(machineAddress(gpa), value);
        written(gpa);
    }

    public byte[] read(int gpa, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) readByte(gpa + i);
        }
        return bytes;
    }

    public void write(int gpa, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            writeByte(gpa + i, bytes[i]);
        }
    }

    /** Loads a program as a bare machine would: every segment at its (guest-physical) address. */
    public void load(Image image) {
        for (Segment segment : image.segments()) {
            if (!contains(segment.address(), segment.size())) {
                throw new IllegalArgumentException(String.format(
                        "segment %s at 0x%08x (%d bytes) does not fit in %d KiB of guest memory",
                        segment.name(), segment.address(), segment.size(), size >> 10));
            }
            write(segment.address(), segment.bytes());
        }
    }

    /** The {@link MemoryDigest} of guest-physical memory: equal to a bare machine's with the same bytes. */
    public String digest() {
        return MemoryDigest.of(size, (gfn, into) -> {
            int mfn = p2m[gfn];
            if (mfn == NONE) {
                return false;
            }
            int base = mfn << PAGE_SHIFT;
            for (int i = 0; i < into.length; i++) {
                into[i] = machine.readWord(base + 4 * i);
            }
            return true;
        });
    }

    /** A VM asked for more machine frames than its limit allows. */
    public static final class MemoryLimitExceeded extends RuntimeException {
        public MemoryLimitExceeded(String message) {
            super(message);
        }
    }
}
