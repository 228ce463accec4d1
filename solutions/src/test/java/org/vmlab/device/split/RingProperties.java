package org.vmlab.device.split;

import org.vmlab.labs.lab5.SplitRingRules;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * The ring arithmetic of io/ring.h, as the back end's {@link SplitRingRules} and a front end
 * following the same header apply it: notification suppression never loses a request or a
 * response, a batch pushed while the back end is idle costs exactly one notification, and the
 * free-running indices may wrap anywhere.
 */
class RingProperties {
    private static final int SLOT = 8;

    @Property
    void aProducerNotifiesIffTheConsumersEventLiesInWhatItPushed(@ForAll int old,
            @ForAll @IntRange(min = 0, max = 4096) int pushed, @ForAll @IntRange(min = -5000, max = 5000) int k) {
        int event = old + k;
        assertThat(RingArithmetic.mustNotify(old, old + pushed, event)).isEqualTo(k >= 1 && k <= pushed);
    }

    /** A front end's step: push a batch of this many requests (0: consume the responses instead). */
    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.integers().between(0, 16).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property
    void everyBatchCostsOneNotificationAndEveryRequestIsAnsweredOnce(@ForAll("steps") List<Integer> steps,
            @ForAll int start, @ForAll("sizes") int size) {
        PhysicalMemory page = new PhysicalMemory(PhysicalMemory.PAGE_SIZE);
        page.writeWord(SplitAbi.RING_REQ_PROD, start);
        page.writeWord(SplitAbi.RING_RSP_PROD, start);
        page.writeWord(SplitAbi.RING_REQ_EVENT, start + 1);
        page.writeWord(SplitAbi.RING_RSP_EVENT, start + 1);
        SharedRing back = new SharedRing(page, 0, size, SLOT, start);
        RingService rules = new SplitRingRules();
        int[] toFront = {0};
        Runnable backEnd = () -> {
            do {
                int n = rules.requestsToTake(back);
                assertThat(n).as("never an overflow from an honest front end").isNotEqualTo(RingService.OVERFLOW);
                for (int i = 0; i < n; i++) {
                    int[] request = back.takeRequest(1);
                    back.putResponse(request[0]);
                }
            } while (rules.finalCheckForRequests(back));
            if (rules.pushResponses(back)) {
                toFront[0]++;
            }
        };

        int reqProdPvt = start;
        int rspCons = start;
        int nextId = 0;
        int batches = 0;
        int toBack = 0;
        int frontWaiting = 1;   // the front end has asked for the first response
        int toFrontExpected = 0;
        List<Integer> answered = new ArrayList<>();
        for (int step : steps) {
            int free = size - (reqProdPvt - rspCons);
            int n = Math.min(step, free);
            if (n > 0) {
                for (int i = 0; i < n; i++) {
                    page.writeWord(SplitAbi.RING_SLOTS + (reqProdPvt & (size - 1)) * SLOT, nextId++);
                    reqProdPvt++;
                }
                int old = page.readWord(SplitAbi.RING_REQ_PROD);
                page.writeWord(SplitAbi.RING_REQ_PROD, reqProdPvt);
                batches++;
                if (RingArithmetic.mustNotify(old, reqProdPvt, page.readWord(SplitAbi.RING_REQ_EVENT))) {
                    toBack++;
                    int before = toFront[0];
                    backEnd.run();
                    toFrontExpected += frontWaiting;
                    frontWaiting = 0;
                    assertThat(toFront[0] - before).as("the front end hears once, if it was waiting").isLessThanOrEqualTo(1);
                }
            } else {
                // RING_FINAL_CHECK_FOR_RESPONSES: consume, ask for the next, look again
                do {
                    int prod = page.readWord(SplitAbi.RING_RSP_PROD);
                    while (rspCons != prod) {
                        answered.add(page.readWord(SplitAbi.RING_SLOTS + (rspCons & (size - 1)) * SLOT));
                        rspCons++;
                    }
                    page.writeWord(SplitAbi.RING_RSP_EVENT, rspCons + 1);
                } while (page.readWord(SplitAbi.RING_RSP_PROD) != rspCons);
                frontWaiting = 1;
            }
        }
        assertThat(toBack).as("one notification per batch").isEqualTo(batches);
        assertThat(toFront[0]).as("one per pass of the back end the front end waited for").isEqualTo(toFrontExpected);
        for (int prod = page.readWord(SplitAbi.RING_RSP_PROD); rspCons != prod; rspCons++) {
            answered.add(page.readWord(SplitAbi.RING_SLOTS + (rspCons & (size - 1)) * SLOT));   // the last ones
        }
        List<Integer> all = new ArrayList<>();
        for (int id = 0; id < nextId; id++) {
            all.add(id);
        }
        assertThat(answered).as("every request answered once, in order").isEqualTo(all);
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.of(1, 2, 4, 8, 16, 64);
    }
}
