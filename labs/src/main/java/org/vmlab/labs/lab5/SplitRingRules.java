package org.vmlab.labs.lab5;

import org.vmlab.device.split.GrantEntry;
import org.vmlab.device.split.RingService;
import org.vmlab.device.split.SharedRing;
import org.vmlab.device.split.SplitAbi;

/**
 * Lab 5: the back end's rules on a shared ring, after Xen's {@code io/ring.h} and its back ends.
 * Blkback and netback read and write the slots, drive the devices and copy the data; they ask
 * these rules every decision: which requests to take, whether a grant lets them touch a frame,
 * whether to notify the front end of responses, and how to go idle without losing a request.
 * The front end shares the page and may write anything there at any moment.
 */
public final class SplitRingRules implements RingService {

    @Override
    public int requestsToTake(SharedRing ring) {
        throw new UnsupportedOperationException("TODO(lab5): read req_prod once; more than the ring holds is an overflow; else what was produced, but no more than there is room for the responses");
    }

    @Override
    public boolean permits(GrantEntry entry, boolean writesGuest, int ramFrames) {
        throw new UnsupportedOperationException("TODO(lab5): a permit-access grant to domain 0, of a frame inside the guest's RAM, and not read-only if the device writes the guest's frame");
    }

    @Override
    public boolean pushResponses(SharedRing ring) {
        throw new UnsupportedOperationException("TODO(lab5): publish rsp_prod = rsp_prod_pvt; notify iff rsp_event lies in (old, new]: new - event < new - old, unsigned");
    }

    @Override
    public boolean finalCheckForRequests(SharedRing ring) {
        throw new UnsupportedOperationException("TODO(lab5): work (or an overflow) now: true; else ask to be told of the next request (req_event = req_cons + 1) and look again");
    }
}
