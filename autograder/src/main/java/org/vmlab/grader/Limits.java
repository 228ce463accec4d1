package org.vmlab.grader;

import java.time.Duration;
import java.util.List;

/**
 * What the forked test JVM may use.
 *
 * @param heapMb      its heap limit ({@code -Xmx}), in MB
 * @param testTimeout the wall-clock time one graded test may take before the JVM is killed
 *                    (also the time the JVM may take to start and discover the tests)
 * @param outputCap   the bytes of output kept per test; the rest is counted and dropped
 * @param jvmOptions  further options for the forked JVM, such as {@code -XX:TieredStopAtLevel=1}
 */
public record Limits(int heapMb, Duration testTimeout, int outputCap, List<String> jvmOptions) {

    /** The limits for a real grading run: 256 MB, 30 s per test, 10 KB of output per test. */
    public static final Limits DEFAULT = new Limits(256, Duration.ofSeconds(30), 10 * 1024,
            List.of());

    /** Checks the fields. */
    public Limits {
        if (heapMb < 16) {
            throw new IllegalArgumentException("heap limit below 16 MB: " + heapMb);
        }
        if (testTimeout == null || testTimeout.isNegative() || testTimeout.isZero()) {
            throw new IllegalArgumentException("test timeout must be positive: " + testTimeout);
        }
        if (outputCap < 0) {
            throw new IllegalArgumentException("output cap must be >= 0: " + outputCap);
        }
        jvmOptions = List.copyOf(jvmOptions);
    }

    /** These limits with another per-test timeout. */
    public Limits withTestTimeout(Duration timeout) {
        return new Limits(heapMb, timeout, outputCap, jvmOptions);
    }

    /** These limits with another heap limit. */
    public Limits withHeapMb(int mb) {
        return new Limits(mb, testTimeout, outputCap, jvmOptions);
    }

    /** These limits with another output cap. */
    public Limits withOutputCap(int bytes) {
        return new Limits(heapMb, testTimeout, bytes, jvmOptions);
    }

    /** These limits with further options for the forked JVM. */
    public Limits withJvmOptions(List<String> options) {
        return new Limits(heapMb, testTimeout, outputCap, options);
    }
}
