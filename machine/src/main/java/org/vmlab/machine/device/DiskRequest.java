package org.vmlab.machine.device;

import java.util.Objects;

/**
 * One request the block device completed, as the equivalence oracle compares them: a guest run
 * natively and under a VMM must issue the same requests, complete them at the same ticks, and
 * move the same bytes.
 *
 * @param tick   the tick at which the request completed (when its data moved)
 * @param op     read (disk to memory) or write (memory to disk)
 * @param sector the first sector, as the driver wrote it (an unsigned 32-bit value)
 * @param count  the number of sectors, as the driver wrote it (an unsigned 32-bit value)
 * @param sha256 SHA-256, in hex, of the bytes moved; for a failed request nothing moved, so it is
 *               the digest of no bytes
 * @param ok     true if the request succeeded, false if it completed with the error status
 */
public record DiskRequest(long tick, Op op, long sector, long count, String sha256, boolean ok) {
    /**
     * The same request with its tick 0: what two runs that differ in timing but not in what they
     * do (a paravirtual kernel and the native one) must agree on.
     */
    public DiskRequest untimed() {
        return new DiskRequest(0, op, sector, count, sha256, ok);
    }

    /** The direction of a request. */
    public enum Op {
        /** Disk to memory (command 1). */
        READ,
        /** Memory to disk (command 2). */
        WRITE
    }

    public DiskRequest {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(sha256, "sha256");
    }
}
