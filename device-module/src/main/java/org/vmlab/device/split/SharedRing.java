package org.vmlab.device.split;

import org.vmlab.machine.memory.Ram;

/**
 * The back end's end of one shared ring, Xen's {@code BACK_RING} ({@code io/ring.h}): the ring
 * page in the guest's memory, and the back end's private indices, {@code req_cons} (the next
 * request to consume) and {@code rsp_prod_pvt} (the next response to write, published by a push).
 *
 * <p>The page: word 0 {@code req_prod}, word 1 {@code req_event}, word 2 {@code rsp_prod}, word 3
 * {@code rsp_event}, slots from byte 64. Indices are free-running 32-bit counters (Java's
 * {@code int} arithmetic wraps as C's unsigned does); slot = index & (size - 1). This class only
 * reads and writes the page: every decision is a {@link RingService}'s.
 */
public final class SharedRing {
    private final Ram memory;
    private final int base;
    private final int size;
    private final int slotSize;
    private int reqCons;
    private int rspProdPvt;
    private boolean stopped;

    /**
     * The ring in the page at {@code base} of {@code memory}.
     *
     * @param size     slots, a power of two
     * @param slotSize bytes a slot holds: the larger of request and response
     */
    public SharedRing(Ram memory, int base, int size, int slotSize) {
        this(memory, base, size, slotSize, 0);
    }

    /**
     * The ring whose indices both ends start at {@code start} (Xen's {@code BACK_RING_ATTACH}),
     * not 0: to see the free-running counters wrap.
     */
    public SharedRing(Ram memory, int base, int size, int slotSize, int start) {
        if (size < 1 || Integer.bitCount(size) != 1 || SplitAbi.RING_SLOTS + size * slotSize > SplitAbi.PAGE_SIZE) {
            throw new IllegalArgumentException("a ring of " + size + " slots of " + slotSize
                    + " bytes does not fit a page");
        }
        this.memory = memory;
        this.base = base;
        this.size = size;
        this.slotSize = slotSize;
        this.reqCons = start;
        this.rspProdPvt = start;
    }

    /** Slots in the ring. */
    public int size() {
        return size;
    }

    /** The guest-physical address of the ring page. */
    public int base() {
        return base;
    }

    // --- the shared page: read every time, trusted never ----------------------------------------

    public int reqProd() {
        return word(SplitAbi.RING_REQ_PROD);
    }

    public int reqEvent() {
        return word(SplitAbi.RING_REQ_EVENT);
    }

    public void setReqEvent(int value) {
        setWord(SplitAbi.RING_REQ_EVENT, value);
    }

    public int rspProd() {
        return word(SplitAbi.RING_RSP_PROD);
    }

    public void setRspProd(int value) {
        setWord(SplitAbi.RING_RSP_PROD, value);
    }

    public int rspEvent() {
        return word(SplitAbi.RING_RSP_EVENT);
    }

    // --- the back end's own indices --------------------------------------------------------------

    /** The next request to consume. */
    public int reqCons() {
        return reqCons;
    }

    /** The next response to write; those before it and from {@link #rspProd()} are not yet published. */
    public int rspProdPvt() {
        return rspProdPvt;
    }

    /**
     * Takes the request at {@link #reqCons()}: copies its {@code words} words out of the shared
     * page (the back end works on its copy, which the front end cannot change under it) and moves
     * {@code req_cons} past it.
     */
    public int[] takeRequest(int words) {
        int[] request = slot(reqCons, words);
        reqCons++;
        return request;
    }

    /** Writes {@code words} as the response at {@link #rspProdPvt()} and moves past it, unpublished. */
    public void putResponse(int... words) {
        int at = slotAddress(rspProdPvt);
        for (int i = 0; i < words.length; i++) {
            memory.write(at + 4 * i, le(words[i]));
        }
        rspProdPvt++;
    }

    /**
     * The back end stops serving this ring for good: its front end claimed more requests than the
     * ring holds. Nothing more is taken or answered.
     */
    public void stop() {
        stopped = true;
    }

    public boolean stopped() {
        return stopped;
    }

    private int[] slot(int index, int words) {
        int at = slotAddress(index);
        int[] values = new int[words];
        for (int i = 0; i < words; i++) {
            values[i] = word(at - base + 4 * i);
        }
        return values;
    }

    private int slotAddress(int index) {
        return base + SplitAbi.RING_SLOTS + (index & (size - 1)) * slotSize;
    }

    private int word(int offset) {
        byte[] b = memory.read(base + offset, 4);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    private void setWord(int offset, int value) {
        memory.write(base + offset, le(value));
    }

    static byte[] le(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }
}
