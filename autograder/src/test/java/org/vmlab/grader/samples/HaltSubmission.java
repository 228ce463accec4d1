package org.vmlab.grader.samples;

/** A test that halts the JVM with status 0, which runs no shutdown hook: not an exit. */
public class HaltSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        Runtime.getRuntime().halt(0);
    }
}
