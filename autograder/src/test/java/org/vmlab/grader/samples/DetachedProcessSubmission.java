package org.vmlab.grader.samples;

import java.util.List;

/**
 * A test that starts processes which detach from the test JVM: one in a session of its own
 * ({@code setsid}), one orphaned by a double fork, so that neither is the JVM's descendant when
 * it ends. Their arguments ({@link #SECONDS}) let the grader's test find them afterwards.
 */
public class DetachedProcessSubmission extends BetweenTwoPassingTests {

    /** How long the escapees would sleep: an unusual number, to find them by. */
    public static final String SECONDS = "31337";

    @Override
    void misbehave() throws Exception {
        new ProcessBuilder(List.of("setsid", "sleep", SECONDS)).start();
        new ProcessBuilder(List.of("sh", "-c", "(sleep " + SECONDS + " &) ; exit 0")).start()
                .waitFor();
        Thread.sleep(300);
        throw new AssertionError("tried to escape");
    }
}
