package org.vmlab.machine.memory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 fingerprint of a physical memory, in hex: two memories agree on it exactly when
 * they have the same size and the same bytes. Frames that are all zero are skipped (the
 * fingerprint covers the size, then each non-zero frame's number and contents), so a memory held
 * sparsely, such as a VM's guest-physical memory, fingerprints like the same bytes held in RAM.
 */
public final class MemoryDigest {
    private static final int WORDS_PER_FRAME = PhysicalMemory.PAGE_SIZE / 4;

    /** Where the frames' words come from. */
    @FunctionalInterface
    public interface Frames {
        /** Copies frame {@code frame}'s words into {@code into}; false if it is known to be zero. */
        boolean copy(int frame, int[] into);
    }

    private MemoryDigest() {
    }

    /** The fingerprint of a memory of {@code sizeBytes} bytes whose frames {@code frames} reads. */
    public static String of(int sizeBytes, Frames frames) {
        MessageDigest sha = sha256();
        sha.update(intBytes(sizeBytes));
        int[] words = new int[WORDS_PER_FRAME];
        byte[] page = new byte[PhysicalMemory.PAGE_SIZE];
        for (int frame = 0; frame < sizeBytes / PhysicalMemory.PAGE_SIZE; frame++) {
            if (!frames.copy(frame, words) || isZero(words)) {
                continue;
            }
            for (int i = 0; i < WORDS_PER_FRAME; i++) {
                int w = words[i];
                page[4 * i] = (byte) w;
                page[4 * i + 1] = (byte) (w >>> 8);
                page[4 * i + 2] = (byte) (w >>> 16);
                page[4 * i + 3] = (byte) (w >>> 24);
            }
            sha.update(intBytes(frame));
            sha.update(page);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static boolean isZero(int[] words) {
        for (int w : words) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
