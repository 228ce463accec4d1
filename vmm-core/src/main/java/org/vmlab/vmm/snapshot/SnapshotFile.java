package org.vmlab.vmm.snapshot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The snapshot file: a {@link Snapshot} in bytes, as docs/snapshots.md describes it field by
 * field. An envelope (magic, format version, the body's length, the body, SHA-256 of the body)
 * around a gzip'd body written with {@link DataOutputStream} ({@link SnapshotBody}).
 *
 * <pre>
 *   offset 0   8 bytes  magic "VMLABSNP"
 *          8   int      format version ({@link #VERSION})
 *         12   long     L, the body's length in bytes
 *         20   L bytes  the body, gzip'd
 *       20+L   32 bytes SHA-256 of the L bytes of the body
 * </pre>
 *
 * <p>A reader refuses, with one {@link Unreadable} whose message says which, a file that is not a
 * snapshot (no magic), of another format version, truncated, with bytes after its end, or whose
 * body's digest is not the one it carries (corrupted), before it decodes anything; and a body
 * that does not decode into a consistent snapshot.
 */
public final class SnapshotFile {
    /** The first bytes of every snapshot file, in ASCII. */
    static final String MAGIC_TEXT = "VMLABSNP";
    private static final byte[] MAGIC = MAGIC_TEXT.getBytes(StandardCharsets.US_ASCII);
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    /** Bytes of the envelope before the body: magic, version, length. */
    static final int HEADER = 8 + 4 + 8;
    /** Bytes of the digest after the body. */
    static final int DIGEST = 32;
    /** The largest body read (a 16 MiB VM's pages and a 16 MiB disk, gzip'd, fit well below it). */
    static final long MAX_BODY = 1L << 30;

    private SnapshotFile() {
    }

    /** Writes {@code snapshot} to {@code out}. */
    public static void write(Snapshot snapshot, OutputStream out) throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (DataOutputStream body = new DataOutputStream(new GZIPOutputStream(zipped))) {
            SnapshotBody.write(snapshot, body);
        }
        byte[] bytes = zipped.toByteArray();
        DataOutputStream data = new DataOutputStream(out);
        data.write(MAGIC);
        data.writeInt(VERSION);
        data.writeLong(bytes.length);
        data.write(bytes);
        data.write(sha256(bytes));
        data.flush();
    }

    /** The bytes of {@code snapshot} as a file. */
    public static byte[] bytes(Snapshot snapshot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(snapshot, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a snapshot written by {@link #write}: the whole stream.
     *
     * @throws Unreadable  if it is not a snapshot, of another version, truncated, corrupted or
     *                     inconsistent; the message says which
     * @throws IOException if the stream cannot be read
     */
    public static Snapshot read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        if (all.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new Unreadable("not a vmlab snapshot (it does not begin with " + MAGIC_TEXT + ")");
        }
        if (all.length < HEADER) {
            throw new Unreadable("truncated: " + all.length + " bytes, shorter than a snapshot's header");
        }
        DataInputStream header = new DataInputStream(new ByteArrayInputStream(all, MAGIC.length, HEADER));
        int version = header.readInt();
        if (version != VERSION) {
            throw new Unreadable("a snapshot of format version " + version + ", but this vmlab reads version "
                    + VERSION + " only");
        }
        long length = header.readLong();
        if (length < 0 || length > MAX_BODY) {
            throw new Unreadable("corrupted: its header gives a body of " + length + " bytes");
        }
        long expected = HEADER + length + DIGEST;
        if (all.length < expected) {
            throw new Unreadable("truncated: " + all.length + " bytes of the " + expected + " its header announces");
        }
        if (all.length > expected) {
            throw new Unreadable("corrupted: " + (all.length - expected) + " bytes after the end of the snapshot");
        }
        byte[] body = Arrays.copyOfRange(all, HEADER, HEADER + (int) length);
        byte[] digest = Arrays.copyOfRange(all, HEADER + (int) length, all.length);
        if (!Arrays.equals(sha256(body), digest)) {
            throw new Unreadable("corrupted: the SHA-256 of its contents is not the one it carries");
        }
        try (DataInputStream data = new DataInputStream(new GZIPInputStream(new ByteArrayInputStream(body)))) {
            Snapshot snapshot = SnapshotBody.read(data);
            if (data.read() != -1) {
                throw new Unreadable("corrupted: bytes after the end of its contents");
            }
            return snapshot;
        } catch (EOFException e) {
            throw new Unreadable("corrupted: its contents end early");
        } catch (ZipException e) {
            throw new Unreadable("corrupted: its contents do not unzip (" + e.getMessage() + ")");
        } catch (Unreadable e) {
            throw e;
        } catch (IOException e) {
            // all in memory: a failure to read is a failure of the format (the guest's image, say)
            throw new Unreadable("corrupted: " + e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Unreadable("inconsistent: " + e.getMessage());
        }
    }

    /** SHA-256 of {@code bytes}. */
    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** SHA-256 of {@code bytes}, in hex. */
    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    /** A file that is not a snapshot this code can read, and why, in one line. */
    public static final class Unreadable extends IOException {
        public Unreadable(String message) {
            super(message);
        }
    }
}
