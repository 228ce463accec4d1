package org.vmlab.device.split;

/** The front end's side of io/ring.h's notification rule, for the tests' front ends. */
final class RingArithmetic {
    private RingArithmetic() {
    }

    /**
     * {@code RING_PUSH_REQUESTS_AND_CHECK_NOTIFY}: a producer that moved its index from {@code old}
     * to {@code now} notifies iff the consumer's {@code event} lies in (old, now], that is iff
     * {@code now - event < now - old}, unsigned.
     */
    static boolean mustNotify(int old, int now, int event) {
        return Integer.compareUnsigned(now - event, now - old) < 0;
    }
}
