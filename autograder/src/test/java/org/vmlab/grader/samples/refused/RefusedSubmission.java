package org.vmlab.grader.samples.refused;

import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;

/** A graded test that would end the JVM if it ran: a refused package's tests never run. */
public class RefusedSubmission {

    @Test
    @Graded(points = 2, number = "1", name = "would exit")
    void wouldExit() {
        System.exit(7);
    }
}
