package org.vmlab.grader.samples;

/** A test that calls System.exit(3), between two tests that pass. */
public class SystemExitSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        System.exit(3);
    }
}
