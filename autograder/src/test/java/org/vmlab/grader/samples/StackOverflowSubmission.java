package org.vmlab.grader.samples;

/** A test that recurses until the stack is gone, between two tests that pass. */
public class StackOverflowSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        recurse(0);
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }
}
