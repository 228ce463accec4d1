package org.vmlab.device.split;

import org.vmlab.labs.lab5.SplitRingRules;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.PhysicalMemory;

/** The back end's ring rules one by one, on a ring of 4 in a page of its own. */
class SplitRingRulesTest {
    private static final int SIZE = 4;

    private final PhysicalMemory page = new PhysicalMemory(PhysicalMemory.PAGE_SIZE);
    private final SharedRing ring = new SharedRing(page, 0, SIZE, 8);
    private final RingService rules = new SplitRingRules();

    private void reqProd(int value) {
        page.writeWord(SplitAbi.RING_REQ_PROD, value);
    }

    @Test
    void theBackEndTakesWhatWasProducedButNoMoreThanItCanAnswer() {
        assertThat(rules.requestsToTake(ring)).isZero();
        reqProd(3);
        assertThat(rules.requestsToTake(ring)).isEqualTo(3);
        reqProd(4);
        ring.takeRequest(2);
        ring.takeRequest(2);
        assertThat(rules.requestsToTake(ring)).isEqualTo(2);
        ring.takeRequest(2);
        ring.takeRequest(2);
        reqProd(6);   // the front end overwrote unanswered slots: take none until they are answered
        assertThat(rules.requestsToTake(ring)).as("four taken, none answered").isZero();
        ring.putResponse(0);
        assertThat(rules.requestsToTake(ring)).isEqualTo(1);
    }

    @Test
    void aFrontEndClaimingMoreThanTheRingHoldsIsAnOverflow() {
        reqProd(SIZE + 1);
        assertThat(rules.requestsToTake(ring)).isEqualTo(RingService.OVERFLOW);
        reqProd(-1);   // behind req_cons: as far ahead as can be, unsigned
        assertThat(rules.requestsToTake(ring)).isEqualTo(RingService.OVERFLOW);
        reqProd(SIZE);
        assertThat(rules.requestsToTake(ring)).isEqualTo(SIZE);
    }

    @Test
    void theGrantCheck() {
        int frames = 16;
        int permit = SplitAbi.GTF_PERMIT_ACCESS;
        assertThat(rules.permits(new GrantEntry(permit, 0, 15), true, frames)).isTrue();
        assertThat(rules.permits(new GrantEntry(permit | SplitAbi.GTF_READONLY, 0, 3), false, frames)).isTrue();
        assertThat(rules.permits(new GrantEntry(permit | SplitAbi.GTF_READONLY, 0, 3), true, frames)).isFalse();
        assertThat(rules.permits(new GrantEntry(permit, 1, 3), false, frames)).as("another domain").isFalse();
        assertThat(rules.permits(new GrantEntry(SplitAbi.GTF_INVALID, 0, 3), false, frames)).isFalse();
        assertThat(rules.permits(new GrantEntry(3, 0, 3), false, frames)).as("GTF_transitive").isFalse();
        assertThat(rules.permits(new GrantEntry(permit, 0, 16), false, frames)).as("outside RAM").isFalse();
        assertThat(rules.permits(new GrantEntry(permit, 0, -1), false, frames)).isFalse();
        assertThat(rules.permits(new GrantEntry(permit | SplitAbi.GTF_READING, 0, 3), true, frames))
                .as("the back end's own flags do not matter").isTrue();
    }

    @Test
    void aPushNotifiesOnlyAFrontEndThatAskedForAnIndexItPassed() {
        page.writeWord(SplitAbi.RING_RSP_EVENT, 1);
        ring.putResponse(0);
        assertThat(rules.pushResponses(ring)).isTrue();
        assertThat(page.readWord(SplitAbi.RING_RSP_PROD)).isEqualTo(1);
        ring.putResponse(0);
        assertThat(rules.pushResponses(ring)).as("it has not looked since").isFalse();
        page.writeWord(SplitAbi.RING_RSP_EVENT, 3);
        assertThat(rules.pushResponses(ring)).as("nothing new").isFalse();
        ring.putResponse(0);
        assertThat(rules.pushResponses(ring)).isTrue();
    }

    @Test
    void goingIdleAsksForTheNextRequestAndLooksAgain() {
        assertThat(rules.finalCheckForRequests(ring)).isFalse();
        assertThat(page.readWord(SplitAbi.RING_REQ_EVENT)).isEqualTo(1);
        reqProd(2);
        assertThat(rules.finalCheckForRequests(ring)).isTrue();
        ring.takeRequest(2);
        ring.takeRequest(2);
        assertThat(rules.finalCheckForRequests(ring)).isFalse();
        assertThat(page.readWord(SplitAbi.RING_REQ_EVENT)).isEqualTo(3);
    }
}
