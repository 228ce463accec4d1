package org.vmlab.grader.samples;

/** A test that leaves a daemon thread spinning: daemons outlive a test as well as others do. */
public class DaemonThreadSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        Thread spinner = new Thread(() -> {
            while (true) {
                Thread.onSpinWait();
            }
        }, "background-tlb-flusher");
        spinner.setDaemon(true);
        spinner.start();
    }
}
