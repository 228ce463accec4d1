package org.vmlab.grader.samples;

import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;

/** A test class whose static initializer calls System.exit, before any test starts. */
public class ExitInStaticInitializerSubmission {

    static {
        if (Boolean.parseBoolean("true")) {
            System.exit(5);
        }
    }

    @Test
    @Graded(points = 1, number = "1", name = "never runs")
    void neverRuns() {
    }
}
