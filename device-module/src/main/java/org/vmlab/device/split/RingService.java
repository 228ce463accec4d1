package org.vmlab.device.split;

/**
 * The rules a back end follows on a shared ring, after Xen's {@code io/ring.h} and its back ends
 * ({@code drivers/block/xen-blkback}, {@code drivers/net/xen-netback}): which requests it may
 * take, which grants let it touch a frame, when it tells the front end about responses, and how
 * it goes idle without losing a request. {@link Blkback} and {@link Netback} are the mechanism:
 * they read and write the slots, drive the devices and copy the data; they ask these rules every
 * decision. docs/paravirt.md ("Split device drivers") is the interface the front end sees.
 *
 * <p>The shared page belongs to the front end too, which may write anything there at any moment:
 * each rule reads a shared index once and never trusts it beyond the check it makes.
 * Lab 5's {@code SplitRingRules} implement them.
 */
public interface RingService {
    /** What {@link #requestsToTake} returns for a front end claiming more than the ring holds. */
    int OVERFLOW = -1;

    /**
     * How many requests the back end may consume now, from {@link SharedRing#reqCons()} on: reads
     * {@code req_prod} once; {@link #OVERFLOW} if {@code req_prod - req_cons} (unsigned) is more
     * than the ring holds (a bogus front end: the back end then stops serving the ring); else the
     * requests produced, but never more than there are slots free for their responses (Xen's
     * {@code RING_REQUEST_CONS_OVERFLOW}: requests taken and not yet answered fill at most the
     * ring).
     */
    int requestsToTake(SharedRing ring);

    /**
     * Whether {@code entry} lets domain 0 touch its frame now: a {@code GTF_permit_access} grant
     * to domain 0, of a frame inside the guest's RAM ({@code frame < ramFrames}, unsigned), and
     * for a write into the guest's frame ({@code writesGuest}: a disk read, a received frame) not
     * read-only.
     */
    boolean permits(GrantEntry entry, boolean writesGuest, int ramFrames);

    /**
     * {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}: publishes the responses written so far
     * ({@code rsp_prod = rsp_prod_pvt}) and says whether the front end must be notified: iff it
     * asked, with {@code rsp_event}, to hear of an index the push moved past.
     */
    boolean pushResponses(SharedRing ring);

    /**
     * {@code RING_FINAL_CHECK_FOR_REQUESTS}, as the back end goes idle: if it may take requests
     * ({@link #requestsToTake} not 0, an overflow included), true; else it asks to be notified of the next one ({@code req_event = req_cons + 1}) and
     * looks again, so that a request produced meanwhile is not lost: true if one came.
     */
    boolean finalCheckForRequests(SharedRing ring);
}
