package org.vmlab.machine.image;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A named, contiguous run of bytes that a loader copies to a physical address.
 *
 * <p>A segment is a value: it copies its bytes in and out, so no one can change an image after it
 * was built, and two segments are equal when their names, addresses and contents are equal.
 *
 * @param name    the segment's name, as {@code .segment} gave it ({@code text} by default)
 * @param address the address of the first byte
 * @param bytes   the contents
 */
public record Segment(String name, int address, byte[] bytes) {

    public Segment {
        Objects.requireNonNull(name, "name");
        bytes = bytes.clone();
        if (Integer.toUnsignedLong(address) + bytes.length > 1L << 32) {
            throw new IllegalArgumentException("segment " + name + " runs past the end of the"
                    + " 32-bit address space");
        }
    }

    /** A copy of the contents. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The number of bytes. */
    public int size() {
        return bytes.length;
    }

    /** The address just past the last byte (as an unsigned 32-bit value held in a long). */
    public long end() {
        return Integer.toUnsignedLong(address) + bytes.length;
    }

    /** True if {@code addr} (unsigned) lies inside this segment. */
    public boolean contains(int addr) {
        long a = Integer.toUnsignedLong(addr);
        return a >= Integer.toUnsignedLong(address) && a < end();
    }

    /** True if the two segments share at least one address. */
    public boolean overlaps(Segment other) {
        return size() > 0 && other.size() > 0
                && Integer.toUnsignedLong(address) < other.end()
                && Integer.toUnsignedLong(other.address) < end();
    }

    /** The byte at {@code addr}, which must lie inside the segment. */
    public int byteAt(int addr) {
        return bytes[addr - address] & 0xFF;
    }

    /** The little-endian word at {@code addr}; bytes past the end read as zero. */
    public int wordAt(int addr) {
        int offset = addr - address;
        int word = 0;
        for (int i = 3; i >= 0; i--) {
            int b = offset + i < bytes.length ? bytes[offset + i] & 0xFF : 0;
            word = word << 8 | b;
        }
        return word;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Segment s && s.name.equals(name) && s.address == address
                && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, address, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        String head = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 16));
        return String.format("Segment[%s at 0x%08x, %d bytes: %s%s]", name, address, bytes.length,
                head, bytes.length > 16 ? "..." : "");
    }
}
