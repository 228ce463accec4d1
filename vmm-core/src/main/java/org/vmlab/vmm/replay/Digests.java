package org.vmlab.vmm.replay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.device.DiskRequest;
import org.vmlab.machine.device.Frame;

/** SHA-256 in hex: how a replay checks that it sent the recorded frames and ended as the recording did. */
public final class Digests {
    private Digests() {
    }

    /** SHA-256 of {@code data}, in hex. */
    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    /**
     * SHA-256 of everything that can be observed of a run from outside ({@link RunResult.Observables}):
     * the console output, every disk request and network frame with its tick, the disk's and RAM's
     * final contents, and the final processor state. Two runs with the same digest are, to
     * anyone outside the machine, the same run.
     */
    public static String observables(RunResult.Observables o) {
        MessageDigest d = digest();
        update(d, "console " + o.console());
        for (DiskRequest r : o.diskRequests()) {
            update(d, "disk " + r);
        }
        for (Frame f : o.frames()) {
            update(d, "frame " + f.tick() + " " + f.direction() + " " + sha256(f.bytes()));
        }
        update(d, "disk " + o.diskDigest());
        update(d, "memory " + o.memoryDigest());
        update(d, "cpu " + o.cpu());
        return HexFormat.of().formatHex(d.digest());
    }

    private static void update(MessageDigest d, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        d.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        d.update(bytes);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
