package org.vmlab.grader;

import java.time.Duration;

/**
 * How a forked test JVM ended. {@link Completed} and {@link Retired} are ordinary; the ways that
 * blame the code under test give the reason the running test fails with; {@link Failed} is the
 * grader's own failure, which blames no one's code and gives no grade.
 */
sealed interface ForkEnd {

    /** The reason given to the test that was running, and to tests that could not run. */
    String reason();

    /** It ran every test it was given and exited by itself. */
    record Completed() implements ForkEnd {
        @Override
        public String reason() {
            return "";
        }
    }

    /** It ended itself after a test left threads running; the tests left need a new JVM. */
    record Retired(String why) implements ForkEnd {
        @Override
        public String reason() {
            return why;
        }
    }

    /** It was killed because a test (or startup) took longer than the limit. */
    record TimedOut(Duration limit) implements ForkEnd {
        @Override
        public String reason() {
            return "the test JVM was killed after " + seconds(limit)
                    + ": the code under test did not finish";
        }
    }

    /** It ran out of heap. */
    record OutOfMemory(int heapMb) implements ForkEnd {
        @Override
        public String reason() {
            return "OutOfMemoryError (heap limit " + heapMb + " MB): the code under test"
                    + " used more memory than the limit";
        }
    }

    /**
     * Something called {@code System.exit} (the JVM's shutdown hooks ran and said so).
     *
     * @param caller where, as {@code File.java:12}, or empty
     */
    record Exited(int code, String caller) implements ForkEnd {
        @Override
        public String reason() {
            return "System.exit(" + code + ") called by the code under test"
                    + (caller.isEmpty() ? "" : " at " + caller);
        }
    }

    /** It stopped at once with a status and ran no shutdown hook: {@code Runtime.halt}. */
    record Halted(int code) implements ForkEnd {
        @Override
        public String reason() {
            return "Runtime.halt(" + code + ") called by the code under test";
        }
    }

    /** It died some other way: killed by a signal or crashed. */
    record Died(int code, String detail) implements ForkEnd {
        @Override
        public String reason() {
            return "the test JVM died (exit code " + code + ")"
                    + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    /**
     * The grading machinery failed, before or outside any code under test: the JVM could not
     * start (a bad option, an unreadable class path), or the launcher broke.
     */
    record Failed(String why) implements ForkEnd {
        @Override
        public String reason() {
            return why;
        }
    }

    private static String seconds(Duration limit) {
        long millis = limit.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
