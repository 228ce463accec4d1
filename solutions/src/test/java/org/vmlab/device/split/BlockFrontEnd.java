package org.vmlab.device.split;

/**
 * A block front end in Java, as blkfront would behave: its ring at {@link #RING_FRAME}, granted
 * as {@link #RING_REF}, its port {@link #PORT}; it produces requests and consumes responses by
 * io/ring.h's rules, notifying the back end only when the rule says so.
 */
final class BlockFrontEnd {
    static final int RING_FRAME = 5;
    static final int RING_REF = 8;
    static final int PORT = 3;
    static final int SLOT = SplitAbi.BLK_SLOT_SIZE;

    private final SplitVm split;
    private final int size;
    private int reqProdPvt;
    private int rspCons;
    int sends;

    BlockFrontEnd(SplitVm split, int size) {
        this.split = split;
        this.size = size;
    }

    /** Table, ring, port, then {@code device_connect}; the result. */
    int connect() {
        split.setUpGrantTable();
        split.initRing(RING_FRAME);
        split.grant(RING_REF, RING_FRAME);
        split.channels.allocateForBackEnd(PORT);
        split.words(SplitVm.ARGS, SplitAbi.CONNECT_VBD, RING_REF, PORT, size, 0x5555);
        return split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, SplitVm.ARGS);
    }

    int base() {
        return RING_FRAME * SplitVm.PAGE;
    }

    /** Writes a request's words in the next slot, unpublished. */
    void put(int... words) {
        int at = base() + SplitAbi.RING_SLOTS + (reqProdPvt & (size - 1)) * SLOT;
        split.vm.memory().write(at, new byte[SLOT]);
        split.words(at, words);
        reqProdPvt++;
    }

    /** A request: {@code op}, {@code id}, {@code sector}, then each segment's gref and sectors. */
    void request(int op, int id, int sector, int[]... segments) {
        int[] words = new int[4 + 2 * segments.length];
        words[0] = op | segments.length << 8;
        words[1] = id;
        words[2] = sector;
        for (int s = 0; s < segments.length; s++) {
            words[4 + 2 * s] = segments[s][0];
            words[5 + 2 * s] = segments[s][1] | segments[s][2] << 8;
        }
        put(words);
    }

    /** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY, then {@code send} if it says so. */
    boolean push() {
        int old = split.word(base() + SplitAbi.RING_REQ_PROD);
        split.words(base() + SplitAbi.RING_REQ_PROD, reqProdPvt);
        boolean notify = RingArithmetic.mustNotify(old, reqProdPvt, split.word(base() + SplitAbi.RING_REQ_EVENT));
        if (notify) {
            sends++;
            split.channels.send(PORT);
        }
        return notify;
    }

    /** The responses published and not yet consumed, each {id, operation, status}; then the final check. */
    java.util.List<int[]> responses() {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        while (true) {
            int prod = split.word(base() + SplitAbi.RING_RSP_PROD);
            while (rspCons != prod) {
                int at = base() + SplitAbi.RING_SLOTS + (rspCons & (size - 1)) * SLOT;
                out.add(new int[] {split.word(at), split.word(at + 4), split.word(at + 8)});
                rspCons++;
            }
            split.words(base() + SplitAbi.RING_RSP_EVENT, rspCons + 1);
            if (split.word(base() + SplitAbi.RING_RSP_PROD) == rspCons) {
                return out;
            }
        }
    }
}
