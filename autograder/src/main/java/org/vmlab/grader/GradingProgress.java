package org.vmlab.grader;

import java.time.Duration;

/**
 * What a grading run tells while it goes, so that a student at a terminal sees each graded test
 * as it finishes instead of a silent wait. A test whose prerequisite did not pass is told as
 * skipped, as the report will have it. The final {@link GradingReport} remains the result: its
 * scores may still differ from what was told here (partial credit from checkpoints), and a test
 * that brought its JVM down is reported there only.
 *
 * <p>Called on the grader's thread, in the order the tests finish; it must return quickly.
 */
@FunctionalInterface
public interface GradingProgress {

    /** Tells nothing. */
    GradingProgress SILENT = (test, status, took) -> { };

    /**
     * The test JVM reported {@code test} finished.
     *
     * @param status how it ended: as the test JVM reported it, or skipped after a failed prerequisite
     * @param took   how long it ran
     */
    void finished(GradedTest test, TestStatus status, Duration took);

    /**
     * This progress, told {@code skipped} for a test whose prerequisite ({@link Graded#after()})
     * was not told passed before it.
     */
    default GradingProgress skippingAfterFailures() {
        java.util.Map<String, TestStatus> told = new java.util.HashMap<>();
        return (test, status, took) -> {
            TestStatus shown = !test.after().isEmpty() && told.get(test.after()) != TestStatus.PASSED
                    ? TestStatus.SKIPPED : status;
            told.put(test.number(), shown);
            finished(test, shown, took);
        };
    }
}
