package org.vmlab.device.split;

/** The reference {@link RingService}: Xen's {@code io/ring.h} macros, and its grant check. */
public final class ReferenceRingService implements RingService {
    @Override
    public int requestsToTake(SharedRing ring) {
        int produced = ring.reqProd() - ring.reqCons();   // req_prod read once
        if (Integer.compareUnsigned(produced, ring.size()) > 0) {
            return OVERFLOW;
        }
        int unanswered = ring.reqCons() - ring.rspProdPvt();
        return Math.min(produced, ring.size() - unanswered);
    }

    @Override
    public boolean permits(GrantEntry entry, boolean writesGuest, int ramFrames) {
        return entry.type() == SplitAbi.GTF_PERMIT_ACCESS
                && entry.domid() == SplitAbi.DOMID_BACKEND
                && Integer.compareUnsigned(entry.frame(), ramFrames) < 0
                && !(writesGuest && entry.readOnly());
    }

    @Override
    public boolean pushResponses(SharedRing ring) {
        int old = ring.rspProd();
        int now = ring.rspProdPvt();
        ring.setRspProd(now);
        return SharedRing.mustNotify(old, now, ring.rspEvent());
    }

    @Override
    public boolean finalCheckForRequests(SharedRing ring) {
        if (requestsToTake(ring) != 0) {
            return true;   // work, or an overflow the next pass will see
        }
        ring.setReqEvent(ring.reqCons() + 1);
        return requestsToTake(ring) != 0;
    }
}
