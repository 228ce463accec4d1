package org.vmlab.grader.samples;

/**
 * A test whose thread, whenever it is interrupted or stopped, starts a successor first, and
 * whose successors would end the JVM during a later test if they were still there.
 */
public class HandOnThreadSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        startRelay(0);
    }

    static void startRelay(int generation) {
        Thread relay = new Thread(() -> {
            try {
                Thread.sleep(1_500);
                System.exit(9);    // strikes during a later test, if it is allowed to
            } catch (InterruptedException | RuntimeException | Error e) {
                startRelay(generation + 1);
            }
        }, "relay-" + generation);
        relay.setDaemon(generation % 2 == 1);
        relay.start();
    }
}
