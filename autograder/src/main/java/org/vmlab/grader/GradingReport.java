package org.vmlab.grader;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything one grading run found: a result per graded test, in discovery order.
 *
 * <p>A run can fail as a whole, through no fault of the code under test: the test JVM could not
 * start, or a suite asked for has no graded test. Then {@link #graderFailure()} says why, and
 * no score it reports may be taken as a grade: {@link #failed()} is what a caller checks before
 * it awards anything.
 *
 * @param results       one result per graded test
 * @param executionTime the wall-clock time of the whole run
 * @param notes         what the grader wants everyone to know about the run as a whole (for
 *                      instance that a test JVM was restarted), one per line; may be empty
 * @param details       when it ran, on whose code, and the suites' titles
 * @param graderFailure why the grading itself failed, one line per cause; empty when it did not
 */
public record GradingReport(List<TestResult> results, Duration executionTime, String notes,
                            RunDetails details, String graderFailure) {

    /** Checks and copies. */
    public GradingReport {
        results = List.copyOf(results);
        if (executionTime == null || notes == null || details == null || graderFailure == null) {
            throw new IllegalArgumentException("incomplete report");
        }
    }

    /** A report of a run that did not fail as a whole, started now. */
    public GradingReport(List<TestResult> results, Duration executionTime, String notes) {
        this(results, executionTime, notes, RunDetails.startedAt(Instant.now()), "");
    }

    /** Whether the grading itself failed: then the score is no grade. */
    public boolean failed() {
        return !graderFailure.isEmpty();
    }

    /** This report with other run details. */
    public GradingReport withDetails(RunDetails other) {
        return new GradingReport(results, executionTime, notes, other, graderFailure);
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
