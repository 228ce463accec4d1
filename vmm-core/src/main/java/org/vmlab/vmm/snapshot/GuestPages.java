package org.vmlab.vmm.snapshot;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.GuestPhysicalMemory;

/**
 * A VM's guest-physical memory as a value: the bytes of every backed frame, and which frames the
 * guest had ballooned out. A frame in neither was never touched and reads as zeros; it is not
 * carried, so a snapshot holds what the guest used, not its whole memory.
 *
 * @param frames    the number of guest frames
 * @param backed    every backed frame's bytes, by guest frame number (one page each)
 * @param ballooned the frames ballooned out, in increasing order
 * @param digest    the memory's {@link org.vmlab.machine.memory.MemoryDigest}, which the pages must
 *                  give back ({@link GuestPhysicalMemory#digest})
 */
public record GuestPages(int frames, Map<Integer, byte[]> backed, int[] ballooned, String digest) {
    public GuestPages {
        Objects.requireNonNull(digest, "digest");
        if (frames <= 0) {
            throw new IllegalArgumentException("a memory of " + frames + " frames");
        }
        TreeMap<Integer, byte[]> copy = new TreeMap<>();
        for (Map.Entry<Integer, byte[]> page : backed.entrySet()) {
            int gfn = page.getKey();
            checkFrame(gfn, frames);
            if (page.getValue().length != PhysicalMemory.PAGE_SIZE) {
                throw new IllegalArgumentException(String.format("guest frame 0x%x holds %d bytes, not a page",
                        gfn, page.getValue().length));
            }
            copy.put(gfn, page.getValue().clone());
        }
        ballooned = ballooned.clone();
        for (int i = 0; i < ballooned.length; i++) {
            checkFrame(ballooned[i], frames);
            if (i > 0 && ballooned[i] <= ballooned[i - 1]) {
                throw new IllegalArgumentException("ballooned frames are listed once each, in increasing order");
            }
            if (copy.containsKey(ballooned[i])) {
                throw new IllegalArgumentException(String.format("guest frame 0x%x is both backed and ballooned",
                        ballooned[i]));
            }
        }
        backed = Collections.unmodifiableMap(copy);
    }

    private static void checkFrame(int gfn, int frames) {
        if (gfn < 0 || gfn >= frames) {
            throw new IllegalArgumentException(String.format("guest frame 0x%x is beyond the %d frames", gfn, frames));
        }
    }

    /** The pages of {@code memory} now. */
    public static GuestPages of(GuestPhysicalMemory memory) {
        Map<Integer, byte[]> backed = new TreeMap<>();
        int[] ballooned = new int[memory.frames()];
        int n = 0;
        for (int gfn = 0; gfn < memory.frames(); gfn++) {
            byte[] page = memory.pageContents(gfn);
            if (page != null) {
                backed.put(gfn, page);
            } else if (memory.isBallooned(gfn)) {
                ballooned[n++] = gfn;
            }
        }
        return new GuestPages(memory.frames(), backed, Arrays.copyOf(ballooned, n), memory.digest());
    }

    /**
     * Puts these pages into {@code memory}, of a fresh VM with as many frames: each backed page in
     * a private frame ({@link GuestPhysicalMemory#restorePage}), and each ballooned frame
     * ballooned, so that the guest finds it as it left it.
     */
    public void restoreInto(GuestPhysicalMemory memory) {
        if (memory.frames() != frames) {
            throw new IllegalArgumentException("pages of " + frames + " guest frames do not fit a memory of "
                    + memory.frames());
        }
        for (Map.Entry<Integer, byte[]> page : backed.entrySet()) {
            memory.restorePage(page.getKey(), page.getValue());
        }
        for (int gfn : ballooned) {
            if (!memory.isBallooned(gfn)) {
                memory.balloon(gfn);
            }
        }
    }

    @Override
    public Map<Integer, byte[]> backed() {
        Map<Integer, byte[]> copy = new TreeMap<>();
        backed.forEach((gfn, bytes) -> copy.put(gfn, bytes.clone()));
        return copy;
    }

    /** The number of backed frames. */
    public int backedFrames() {
        return backed.size();
    }

    @Override
    public int[] ballooned() {
        return ballooned.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GuestPages p) || frames != p.frames || !digest.equals(p.digest)
                || !Arrays.equals(ballooned, p.ballooned) || !backed.keySet().equals(p.backed.keySet())) {
            return false;
        }
        for (Map.Entry<Integer, byte[]> page : backed.entrySet()) {
            if (!Arrays.equals(page.getValue(), p.backed.get(page.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(frames, digest, backed.keySet(), Arrays.hashCode(ballooned));
    }

    @Override
    public String toString() {
        return String.format("%d of %d guest frames backed, %d ballooned, digest %s", backed.size(), frames,
                ballooned.length, digest);
    }
}
