package org.vmlab.asm;

import java.util.Arrays;
import org.vmlab.machine.image.Segment;

/**
 * A segment while it is being assembled: its start, the bytes laid down so far, and the location
 * counter (start plus size), which is where the next statement goes.
 */
final class SegmentBuilder {
    /** Guard against a typo such as {@code .space 0x40000000} eating the JVM's memory. */
    static final int MAX_SIZE = 64 << 20;

    final String name;
    final SourceLine definedAt;
    private int start;
    private byte[] bytes = new byte[256];
    private int size;

    SegmentBuilder(String name, int start, SourceLine definedAt) {
        this.name = name;
        this.start = start;
        this.definedAt = definedAt;
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
            throw new AsmFailure(column, "segment " + name + " would grow beyond "
                    + (MAX_SIZE >> 20) + " MiB");
        }
        if (Integer.toUnsignedLong(start) + size + extra > 1L << 32) {
            throw new AsmFailure(column, "segment " + name + " runs past the end of memory"
                    + " (0xffffffff)");
        }
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.max(size + extra, 2L * bytes.length));
        }
    }

    Segment build() {
        return new Segment(name, start, Arrays.copyOf(bytes, size));
    }
}
