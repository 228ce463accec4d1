package org.vmlab.grader.samples;

/**
 * A test that throws an error JUnit does not recover from (it rethrows an OutOfMemoryError out
 * of the whole run), though the heap is fine: the test fails, and the tests after it still run.
 */
public class UnrecoverableErrorSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        throw new OutOfMemoryError("not really out of memory");
    }
}
