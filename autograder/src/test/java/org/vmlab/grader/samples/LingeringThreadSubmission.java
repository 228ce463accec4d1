package org.vmlab.grader.samples;

/** A test that leaves a thread spinning after it returns, between two tests that pass. */
public class LingeringThreadSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        Thread spinner = new Thread(() -> {
            while (true) {
                Thread.onSpinWait();
            }
        }, "vcpu-1");
        spinner.start();
    }
}
