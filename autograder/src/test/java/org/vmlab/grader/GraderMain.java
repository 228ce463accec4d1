package org.vmlab.grader;

import java.nio.file.Path;
import java.time.Duration;
import org.vmlab.grader.samples.InfiniteLoopSubmission;

/**
 * A grader in a process of its own, for the tests that kill the grader: it grades a submission
 * that loops for a minute, with time enough for the killing. Argument: the work directory.
 */
public final class GraderMain {

    private GraderMain() {
    }

    /** Grades {@link InfiniteLoopSubmission} with a 60 s limit per test. */
    public static void main(String[] args) {
        new Grader(Path.of(args[0])).grade(GradingRequest.ofClasses(
                Grading.TEST_LIMITS.withTestTimeout(Duration.ofSeconds(60)),
                InfiniteLoopSubmission.class));
    }
}
