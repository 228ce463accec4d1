package org.vmlab.grader;

/** The outcome of one graded test. */
public enum TestStatus {
    /** It ran to the end and every assertion held: full points. */
    PASSED,
    /** It failed, threw, or brought the test JVM down: only the checkpoints it reached count. */
    FAILED,
    /** It did not run, because a prerequisite failed or it was disabled: no points. */
    SKIPPED
}
