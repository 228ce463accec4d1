package org.vmlab.device.split;

import java.util.ArrayList;
import java.util.List;

/** A front end's end of one shared ring, by io/ring.h's rules (FRONT_RING), on a {@link SplitVm}'s page. */
final class FrontRing {
    private final SplitVm split;
    private final int base;
    private final int size;
    private final int slot;
    private final int port;
    private int reqProdPvt;
    private int rspCons;
    int sends;

    FrontRing(SplitVm split, int frame, int size, int slot, int port) {
        this.split = split;
        this.base = frame * SplitVm.PAGE;
        this.size = size;
        this.slot = slot;
        this.port = port;
    }

    void put(int... words) {
        int at = base + SplitAbi.RING_SLOTS + (reqProdPvt & (size - 1)) * slot;
        split.vm.memory().write(at, new byte[slot]);
        split.words(at, words);
        reqProdPvt++;
    }

    /** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY, then {@code send} if it says so. */
    boolean push() {
        int old = split.word(base + SplitAbi.RING_REQ_PROD);
        split.words(base + SplitAbi.RING_REQ_PROD, reqProdPvt);
        boolean notify = RingArithmetic.mustNotify(old, reqProdPvt, split.word(base + SplitAbi.RING_REQ_EVENT));
        if (notify) {
            sends++;
            split.channels.send(port);
        }
        return notify;
    }

    /** The responses published, each its first {@code words} words; then RING_FINAL_CHECK_FOR_RESPONSES. */
    List<int[]> responses(int words) {
        List<int[]> out = new ArrayList<>();
        while (true) {
            int prod = split.word(base + SplitAbi.RING_RSP_PROD);
            while (rspCons != prod) {
                int at = base + SplitAbi.RING_SLOTS + (rspCons & (size - 1)) * slot;
                int[] r = new int[words];
                for (int i = 0; i < words; i++) {
                    r[i] = split.word(at + 4 * i);
                }
                out.add(r);
                rspCons++;
            }
            split.words(base + SplitAbi.RING_RSP_EVENT, rspCons + 1);
            if (split.word(base + SplitAbi.RING_RSP_PROD) == rspCons) {
                return out;
            }
        }
    }
}
