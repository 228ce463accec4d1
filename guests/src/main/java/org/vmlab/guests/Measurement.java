package org.vmlab.guests;

/**
 * One measurement of a nanobenchmark: the cycles of a run of {@code iterations} iterations and of
 * a run of twice as many. Boot and power-off are the same in both runs, so the difference is the
 * cost of {@code iterations} iterations, and nothing else.
 *
 * @param benchmark   what was measured
 * @param iterations  N, the iterations of the shorter run
 * @param cycles      the cycles of the run of N iterations
 * @param cyclesTwice the cycles of the run of 2N iterations
 */
public record Measurement(Nanobenchmark benchmark, int iterations, long cycles, long cyclesTwice) {
    /** The loop control around each operation: {@code addi}, {@code cmp}, {@code bne}. */
    public static final int LOOP_INSTRUCTIONS = 3;

    public Measurement {
        if (iterations <= 0) {
            throw new IllegalArgumentException("iterations must be positive, was " + iterations);
        }
    }

    /**
     * {@code (cyclesTwice - cycles) / iterations}: what one iteration costs, the operation plus
     * its {@link #LOOP_INSTRUCTIONS} instructions of loop control.
     */
    public double cyclesPerIteration() {
        return (double) (cyclesTwice - cycles) / iterations;
    }
}
