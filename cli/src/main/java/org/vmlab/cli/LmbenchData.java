package org.vmlab.cli;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.cli.chart.BarChart;
import org.vmlab.cli.chart.Series;

/**
 * What {@code vmlab experiment lmbench} measured, as {@code --json} writes it: the table's
 * figures, in microseconds and in cycles, named as its columns are, with their units and the
 * configuration they were measured in. docs/cost-model.md documents the shape; {@link #FORMAT}
 * goes up when a field changes meaning or goes away (new fields may come without it).
 *
 * @param command       always {@code "vmlab experiment lmbench"}
 * @param format        the version of this shape, {@value #FORMAT}
 * @param units         what the numbers count
 * @param configuration how they were measured
 * @param benchmarks    one per row of the table, in its order
 */
record LmbenchData(String command, int format, Units units, Configuration configuration,
                   List<Benchmark> benchmarks) {
    static final int FORMAT = 1;

    static final Units UNITS = new Units(
            "simulated cycles per operation: (cycles of 2N iterations - cycles of N) / (N * operations per"
                    + " iteration), the VM's cycles including the VMM's",
            "the same cycles at the configuration's clockHz, in microseconds",
            "time per operation in the VM / natively");

    /** What the numbers count. */
    record Units(String cycles, String microseconds, String ratio) {
    }

    /**
     * @param clockHz        the nominal clock that turns cycles into microseconds
     * @param implementation whose lab code the VMs ran ({@code labs} or {@code solutions})
     * @param nativeIsa      the ISA of the native runs
     * @param techniques     the VM columns, in the table's order
     */
    record Configuration(long clockHz, String implementation, String nativeIsa,
                         List<Technique> techniques) {
    }

    /** A VM column: a CPU and a memory technique on an ISA, running a flavor of toyos. */
    record Technique(String technique, String cpu, String memory, String isa, String flavor) {
    }

    /**
     * A row: an operation natively, then in each VM.
     *
     * @param benchmark              the toyos program ({@code lat_null})
     * @param lmbench                the lmbench tool that measures the same
     * @param operation              what an iteration does
     * @param iterations             N, the iterations of the program's loop in the shorter run
     * @param operationsPerIteration 2 for {@code lat_ctx} (two switches a round), else 1
     * @param nativeCycles           cycles per operation on the bare machine
     * @param nativeMicroseconds     the same in microseconds
     * @param vms                    one cell per VM column
     */
    record Benchmark(String benchmark, String lmbench, String operation, int iterations, int operationsPerIteration,
                     double nativeCycles, double nativeMicroseconds, List<Vm> vms) {
    }

    /**
     * A cell: cycles and microseconds per operation in a VM and the ratio to native; all null
     * unless {@code status} is {@code measured}, when {@code detail} is the table's text; {@code
     * error}, for a {@code failed} cell, what happened, else null.
     */
    record Vm(String technique, CellStatus status, Double cycles, Double microseconds, Double ratio, String detail,
              String error) {
    }

    /** The chart: microseconds per operation, natively and under each technique, on a log scale. */
    BarChart chart() {
        List<String> categories = benchmarks.stream().map(Benchmark::benchmark).toList();
        List<Series> series = new ArrayList<>();
        series.add(new Series("native", benchmarks.stream().map(b -> (Double) b.nativeMicroseconds()).toList()));
        for (Technique t : configuration.techniques()) {
            series.add(new Series(t.technique(), benchmarks.stream().map(b -> b.vms().stream()
                    .filter(vm -> vm.technique().equals(t.technique())).findFirst().orElseThrow().microseconds())
                    .toList()));
        }
        return new BarChart("lmbench: the time of one operation, natively and in a VM",
                "simulated microseconds at " + LmbenchCommand.clock() + "; toyos programs, N as in the table; lab code: "
                        + configuration.implementation(),
                "benchmark", "microseconds per operation (log scale)", true, "%,.2f", categories, series);
    }
}
