package org.vmlab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What the benchmarks report beside their operations (JMH's auxiliary counters, as rates):
 * {@code instructions}, guest instructions retired, and {@code cpuNanos}, the CPU time of the
 * benchmark's thread; their ratio is the rate per CPU-second, whatever else shares the host.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Retired {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public long instructions;
    public long cpuNanos;

    /** Runs {@code run}, which returns the guest instructions it retired, and counts them and its CPU time. */
    long count(LongSupplier run) {
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        long retired = run.getAsLong();
        cpuNanos += THREADS.getCurrentThreadCpuTime() - cpuBefore;
        instructions += retired;
        return retired;
    }
}
