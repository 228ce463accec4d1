package org.vmlab.grader;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed line format of the channel from the test JVM to the grader.
 *
 * <p>The channel is the test JVM's standard output, a pipe that only the grader reads. The code
 * under test never holds it ({@code System.out} is a capture), but a pipe is not a secret, so
 * every line also carries its sequence number and an HMAC-SHA256 of both under a key that the
 * grader makes for one run and hands to the test JVM on its standard input, before any test code
 * is loaded. A line that does not verify (the JVM's own messages, or a forgery) is not an event,
 * and neither is a verified line out of order (a replay).
 *
 * <p>Line format: {@code <sequence> <hex hmac> <json>}.
 */
final class EventChannel {

    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final Mac mac;

    /** @param key the run's key, as {@link #newKey()} makes it */
    EventChannel(String key) {
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(HEX.parseHex(key), ALGORITHM));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot set up the grading channel: " + e, e);
        }
    }

    /** A fresh random key for one test JVM, in hex. */
    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HEX.formatHex(key);
    }

    /** The line (without its newline) that carries {@code json} as event {@code sequence}. */
    synchronized String sign(long sequence, String json) {
        return sequence + " " + HEX.formatHex(mac(sequence, json)) + " " + json;
    }

    /**
     * The JSON of {@code line} if it is event {@code expected}, correctly signed; else null.
     */
    synchronized String verify(String line, long expected) {
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (second < 0 || !line.substring(0, first).equals(Long.toString(expected))) {
            return null;
        }
        String json = line.substring(second + 1);
        byte[] claimed;
        try {
            claimed = HEX.parseHex(line.substring(first + 1, second));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return MessageDigest.isEqual(claimed, mac(expected, json)) ? json : null;
    }

    private byte[] mac(long sequence, String json) {
        mac.update((sequence + " ").getBytes(StandardCharsets.UTF_8));
        return mac.doFinal(json.getBytes(StandardCharsets.UTF_8));
    }
}
