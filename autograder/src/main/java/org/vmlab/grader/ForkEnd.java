package org.vmlab.grader;

import java.time.Duration;

/** How a forked test JVM ended; the ways other than {@link Completed} are the grader's reasons. */
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

    /** Something called {@code System.exit}. */
    record Exited(int code) implements ForkEnd {
        @Override
        public String reason() {
            return "System.exit(" + code + ") called by the code under test";
        }
    }

    /** It died some other way: killed by a signal, crashed, or failed to start. */
    record Died(int code, String detail) implements ForkEnd {
        @Override
        public String reason() {
            return "the test JVM died (exit code " + code + ")"
                    + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    private static String seconds(Duration limit) {
        long millis = limit.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
