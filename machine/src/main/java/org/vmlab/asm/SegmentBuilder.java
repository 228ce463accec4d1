package org.vmlab.asm;

import java.util.Arrays;
import org.vmlab.machine.image.Segment;

/**
 * A segment while it is being assembled: its start, the bytes laid down so far, and the location
 * counter (start plus size), which is where the next statement goes.
 */
final class SegmentBuilder {
    /**
     * Guard against a typo such as {@code .space 0x40000000} or a far {@code .org} eating the
     * JVM's memory: the most bytes one segment, and all the segments of an image together, may
     * hold.
     */
    static final int MAX_SIZE = 64 << 20;

    /** The bytes laid down in all the segments of one image, which {@link #MAX_SIZE} bounds. */
    static final class Total {
        private long bytes;
    }

    final String name;
    final SourceLine definedAt;
    /** The order in which the segment was started, for blaming the later of two that overlap. */
    final int index;
    private final Total total;
    private int start;
    private byte[] bytes = new byte[0];
    private int size;

    SegmentBuilder(String name, int start, SourceLine definedAt, int index, Total total) {
        this.name = name;
        this.start = start;
        this.definedAt = definedAt;
        this.index = index;
        this.total = total;
    }

    /** The address just past the last byte, unsigned. */
    long end() {
        return Integer.toUnsignedLong(start) + size;
    }

    int start() {
        return start;
    }

    int size() {
        return size;
    }

    /** The address of the next byte. */
    int location() {
        return start + size;
    }

    /** The offset in this segment of the next byte. */
    int offset() {
        return size;
    }

    /**
     * Moves the location counter to {@code address}. In an empty segment this moves the segment's
     * start (so {@code .org 0x100000} at the top of a file does not lay down a MiB of zeros);
     * otherwise it pads with zeros, and may not go backwards.
     */
    void org(int address, int column) {
        if (size == 0) {
            start = address;
            return;
        }
        long gap = Integer.toUnsignedLong(address) - Integer.toUnsignedLong(location());
        if (gap < 0) {
            throw new AsmFailure(column, String.format(".org 0x%x would move backwards "
                    + "(segment %s is already at 0x%x)", address, name, location()));
        }
        fill(gap, 0, column);
    }

    /** Lays down {@code count} copies of {@code value}. */
    void fill(long count, int value, int column) {
        grow(count, column);
        Arrays.fill(bytes, size, size + (int) count, (byte) value);
        size += (int) count;
    }

    /** Lays down {@code data}. */
    void append(byte[] data, int column) {
        grow(data.length, column);
        System.arraycopy(data, 0, bytes, size, data.length);
        size += data.length;
    }

    /** Overwrites the little-endian word at {@code offset} (pass 2 fills in reserved space). */
    void putWord(int offset, int word) {
        for (int i = 0; i < 4; i++) {
            bytes[offset + i] = (byte) (word >>> (8 * i));
        }
    }

    void putByte(int offset, int value) {
        bytes[offset] = (byte) value;
    }

    private void grow(long extra, int column) {
        if (size + extra > MAX_SIZE) {
            throw new AsmFailure(column, "segment " + Names.shorten(name) + " would grow beyond "
                    + (MAX_SIZE >> 20) + " MiB");
        }
        if (Integer.toUnsignedLong(start) + size + extra > 1L << 32) {
            throw new AsmFailure(column, "segment " + Names.shorten(name)
                    + " runs past the end of memory (0xffffffff)");
        }
        if (total.bytes + extra > MAX_SIZE) {
            throw new AsmFailure(column, "the image would grow beyond " + (MAX_SIZE >> 20)
                    + " MiB in all");
        }
        total.bytes += extra;
        if (size + extra > bytes.length) {
            long capacity = Math.min(MAX_SIZE, Math.max(size + extra, Math.max(256, 2L * bytes.length)));
            bytes = Arrays.copyOf(bytes, (int) capacity);
        }
    }

    Segment build() {
        return new Segment(name, start, Arrays.copyOf(bytes, size));
    }
}
