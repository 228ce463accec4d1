package org.vmlab.machine.memory;

/**
 * The machine's RAM: a little-endian array of bytes, held as 32-bit words for speed.
 *
 * <p>Physical addresses run from 0 to {@link #size()}; an address beyond that is not RAM (the CPU
 * routes it to memory-mapped I/O). Frames that hold decoded instructions are marked
 * {@linkplain #markCode(int) code frames}: every write into one, by the CPU or by a device's DMA,
 * is reported to the {@link CodeWriteListener} with its address, so that a cache of decoded
 * instructions can never go stale.
 */
public final class PhysicalMemory implements Ram {
    /** Bytes in a page and in a physical frame. */
    public static final int PAGE_SIZE = 4096;
    public static final int PAGE_SHIFT = 12;

    private final int[] words;
    private final int size;
    private final boolean[] codeFrames;
    private CodeWriteListener[] codeWriteListeners = new CodeWriteListener[0];

    public PhysicalMemory(int sizeBytes) {
        if (sizeBytes <= 0 || sizeBytes % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(
                    "memory size must be a positive multiple of 4096 bytes, was " + sizeBytes);
        }
        this.size = sizeBytes;
        this.words = new int[sizeBytes >>> 2];
        this.codeFrames = new boolean[sizeBytes >>> PAGE_SHIFT];
    }

    /** Size in bytes. */
    public int size() {
        return size;
    }

    /** Number of 4 KiB frames. */
    public int frames() {
        return codeFrames.length;
    }

    /** True if {@code [pa, pa+length)} lies inside RAM. */
    public boolean contains(int pa, int length) {
        long start = Integer.toUnsignedLong(pa);
        return length >= 0 && start + length <= size;
    }

    /**
     * Adds a listener told of every write into a marked code frame: the decoded-instruction cache
     * of the CPU, and a binary translator's translation cache.
     */
    public void addCodeWriteListener(CodeWriteListener listener) {
        codeWriteListeners = java.util.Arrays.copyOf(codeWriteListeners, codeWriteListeners.length + 1);
        codeWriteListeners[codeWriteListeners.length - 1] = listener;
    }

    /** Removes a listener that {@link #addCodeWriteListener} added (the same object). */
    public void removeCodeWriteListener(CodeWriteListener listener) {
        codeWriteListeners = java.util.Arrays.stream(codeWriteListeners).filter(l -> l != listener)
                .toArray(CodeWriteListener[]::new);
    }

    private void codeWritten(int pa) {
        for (CodeWriteListener listener : codeWriteListeners) {
            listener.codeWritten(pa);
        }
    }

    /** Marks {@code frame} as holding code: from now on, writes into it are reported. */
    public void markCode(int frame) {
        codeFrames[frame] = true;
    }

    /** True if {@code frame} is marked as holding code. */
    public boolean isCode(int frame) {
        return codeFrames[frame];
    }

    public int readWord(int pa) {
        return words[pa >>> 2];
    }

    public void writeWord(int pa, int value) {
        int frame = pa >>> PAGE_SHIFT;
        if (codeFrames[frame]) {
            codeWritten(pa);
        }
        words[pa >>> 2] = value;
    }

    public int readByte(int pa) {
        return (words[pa >>> 2] >>> ((pa & 3) << 3)) & 0xFF;
    }

    public void writeByte(int pa, int value) {
        int frame = pa >>> PAGE_SHIFT;
        if (codeFrames[frame]) {
            codeWritten(pa);
        }
        int shift = (pa & 3) << 3;
        int i = pa >>> 2;
        words[i] = (words[i] & ~(0xFF << shift)) | ((value & 0xFF) << shift);
    }

    /** Copies {@code length} bytes from RAM at {@code pa} (bounds-checked). */
    public byte[] read(int pa, int length) {
        checkRange(pa, length);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) readByte(pa + i);
        }
        return out;
    }

    /** Copies {@code data} into RAM at {@code pa} (bounds-checked). */
    public void write(int pa, byte[] data) {
        write(pa, data, 0, data.length);
    }

    /** Copies {@code length} bytes of {@code data} from {@code offset} into RAM at {@code pa}. */
    public void write(int pa, byte[] data, int offset, int length) {
        checkRange(pa, length);
        for (int i = 0; i < length; i++) {
            writeByte(pa + i, data[offset + i]);
        }
    }

    /** The {@link MemoryDigest} of the whole of RAM. */
    public String digest() {
        return MemoryDigest.of(size, (frame, into) -> {
            System.arraycopy(words, frame * into.length, into, 0, into.length);
            return true;
        });
    }

    /** Forgets every code mark, as after a reset. */
    public void clearCodeMarks() {
        java.util.Arrays.fill(codeFrames, false);
    }

    private void checkRange(int pa, int length) {
        if (!contains(pa, length)) {
            throw new IndexOutOfBoundsException(String.format(
                    "physical range 0x%08x+%d is outside RAM (0x%x bytes)", pa, length, size));
        }
    }

    /** Told of every write into a frame that holds decoded instructions. */
    @FunctionalInterface
    public interface CodeWriteListener {
        /** The byte or word at physical address {@code pa} was written. */
        void codeWritten(int pa);
    }
}
