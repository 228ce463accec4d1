package org.vmlab.grader.samples.allowed;

import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;

/** A graded test that passes, in a package that is not refused. */
public class AllowedSubmission {

    @Test
    @Graded(points = 1, number = "2", name = "passes")
    void passes() {
    }
}
