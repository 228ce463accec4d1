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
        // BEGIN SOLUTION: read req_prod once; more than the ring holds is an overflow; else what was produced, but no more than there is room for the responses
        int produced = ring.reqProd() - ring.reqCons();   // req_prod read once
        if (Integer.compareUnsigned(produced, ring.size()) > 0) {
            return OVERFLOW;
        }
        int unanswered = ring.reqCons() - ring.rspProdPvt();
        return Math.min(produced, ring.size() - unanswered);
        // END SOLUTION
    }

    @Override
    public boolean permits(GrantEntry entry, boolean writesGuest, int ramFrames) {
        // BEGIN SOLUTION: a permit-access grant to domain 0, of a frame inside the guest's RAM, and not read-only if the device writes the guest's frame
        return entry.type() == SplitAbi.GTF_PERMIT_ACCESS
                && entry.domid() == SplitAbi.DOMID_BACKEND
                && Integer.compareUnsigned(entry.frame(), ramFrames) < 0
                && !(writesGuest && entry.readOnly());
        // END SOLUTION
    }

    @Override
    public boolean pushResponses(SharedRing ring) {
        // BEGIN SOLUTION: publish rsp_prod = rsp_prod_pvt; notify iff rsp_event lies in (old, new]: new - event < new - old, unsigned
        int old = ring.rspProd();
        int now = ring.rspProdPvt();
        ring.setRspProd(now);
        return Integer.compareUnsigned(now - ring.rspEvent(), now - old) < 0;
        // END SOLUTION
    }

    @Override
    public boolean finalCheckForRequests(SharedRing ring) {
        // BEGIN SOLUTION: work (or an overflow) now: true; else ask to be told of the next request (req_event = req_cons + 1) and look again
        if (requestsToTake(ring) != 0) {
            return true;   // work, or an overflow the next pass will see
        }
        ring.setReqEvent(ring.reqCons() + 1);
        return requestsToTake(ring) != 0;
        // END SOLUTION
    }
}
