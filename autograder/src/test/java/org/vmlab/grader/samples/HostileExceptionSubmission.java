package org.vmlab.grader.samples;

/**
 * A test that throws an exception with an 8 MB message, a {@code toString} that throws and a
 * {@code getStackTrace} that throws: describing it must neither fail nor flood the report.
 */
public class HostileExceptionSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        throw new Hostile();
    }

    /** Every way of describing it is hostile. */
    static final class Hostile extends RuntimeException {
        @Override
        public String getMessage() {
            return "\r\u001b[2Kgraded: 100/100 " + "x".repeat(8 * 1024 * 1024);
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString refuses");
        }

        @Override
        public StackTraceElement[] getStackTrace() {
            throw new IllegalStateException("getStackTrace refuses");
        }
    }
}
