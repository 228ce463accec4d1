package org.vmlab.grader;

import java.time.Duration;
import java.util.List;

/**
 * Everything one grading run found: a result per graded test, in discovery order.
 *
 * @param results       one result per graded test
 * @param executionTime the wall-clock time of the whole run
 * @param notes         what the grader wants everyone to know about the run as a whole (for
 *                      instance that a test JVM was restarted), one per line; may be empty
 */
public record GradingReport(List<TestResult> results, Duration executionTime, String notes) {

    /** Checks and copies. */
    public GradingReport {
        results = List.copyOf(results);
        if (executionTime == null || notes == null) {
            throw new IllegalArgumentException("incomplete report");
        }
    }

    /** The points earned. */
    public double score() {
        return Scores.round(results.stream().mapToDouble(TestResult::score).sum());
    }

    /** The points available. */
    public double maxScore() {
        return Scores.round(results.stream().mapToDouble(r -> r.test().points()).sum());
    }

    /** How many tests ended with {@code status}. */
    public long count(TestStatus status) {
        return results.stream().filter(r -> r.status() == status).count();
    }
}
