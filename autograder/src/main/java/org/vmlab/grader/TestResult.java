package org.vmlab.grader;

import java.time.Duration;
import java.util.List;

/**
 * The graded outcome of one test.
 *
 * @param test        the test
 * @param status      passed, failed or skipped
 * @param score       the points earned, between 0 and {@code test.points()}
 * @param reason      one line saying why it did not pass; empty when it passed
 * @param output      the details: the failure, its stack, the test's captured output (capped)
 * @param checkpoints the checkpoints it reached
 * @param duration    how long it ran
 */
public record TestResult(GradedTest test, TestStatus status, double score, String reason,
                         String output, List<Checkpoint> checkpoints, Duration duration) {

    /** Checks the fields and copies the checkpoints. */
    public TestResult {
        if (test == null || status == null || reason == null || output == null
                || duration == null) {
            throw new IllegalArgumentException("incomplete result");
        }
        if (score < 0 || score > test.points() + 1e-9) {
            throw new IllegalArgumentException(test.label() + ": score " + score
                    + " outside 0.." + test.points());
        }
        checkpoints = List.copyOf(checkpoints);
    }

    /**
     * The result of a test that ended with {@code status}: full points if it passed, otherwise the
     * checkpoints reached, capped at the test's points (none when skipped).
     */
    public static TestResult of(GradedTest test, TestStatus status, String reason, String output,
                                List<Checkpoint> checkpoints, Duration duration) {
        double score = switch (status) {
            case PASSED -> test.points();
            case FAILED -> Math.min(test.points(),
                    checkpoints.stream().mapToDouble(Checkpoint::points).sum());
            case SKIPPED -> 0;
        };
        return new TestResult(test, status, Scores.round(score), reason, output, checkpoints,
                duration);
    }

    /** This result, skipped for {@code reason} and worth nothing. */
    public TestResult skipped(String why) {
        return new TestResult(test, TestStatus.SKIPPED, 0, why, why, List.of(), duration);
    }
}
