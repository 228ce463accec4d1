package org.vmlab.grader.samples;

/** A test that never ends, between two tests that pass. */
public class InfiniteLoopSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        long spins = 0;
        while (spins >= 0) {
            spins++;
            if (spins == Long.MAX_VALUE) {
                spins = 0;
            }
        }
    }
}
