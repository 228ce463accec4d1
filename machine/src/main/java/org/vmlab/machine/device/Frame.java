package org.vmlab.machine.device;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One frame that crossed the network interface's wire, as the equivalence oracle compares them.
 *
 * <p>Two frames are equal when their tick, direction and bytes are equal (the bytes by content,
 * unlike a plain record's array component). The bytes are copied in and out, so a frame never
 * changes after it is recorded.
 *
 * @param tick      the tick at which the frame left (sent) or was written into the receive ring
 * @param direction sent by the guest, or received by it
 * @param bytes     the frame's contents
 */
public record Frame(long tick, Direction direction, byte[] bytes) {
    /** Which way a frame crossed the wire, seen from the guest. */
    public enum Direction {
        SENT,
        RECEIVED
    }

    public Frame {
        Objects.requireNonNull(direction, "direction");
        bytes = bytes.clone();
    }

    /** A copy of the frame's contents. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The same frame with its tick 0: what two runs that differ in timing but not in what they
     * do (a paravirtual kernel and the native one) must agree on.
     */
    public Frame untimed() {
        return new Frame(0, direction, bytes);
    }

    /** The number of bytes of the frame. */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && tick == f.tick && direction == f.direction
                && Arrays.equals(bytes, f.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tick, direction, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        int shown = Math.min(bytes.length, 16);
        return "Frame[tick=" + tick + ", " + direction + ", " + bytes.length + " bytes: "
                + HexFormat.of().formatHex(bytes, 0, shown) + (shown < bytes.length ? "...]" : "]");
    }
}
