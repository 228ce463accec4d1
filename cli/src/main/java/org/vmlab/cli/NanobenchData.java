package org.vmlab.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import org.vmlab.cli.chart.BarChart;
import org.vmlab.cli.chart.Series;

/**
 * What {@code vmlab experiment nanobench} measured, as {@code --json} writes it: the table's
 * figures, named as its columns are, with their units and the configuration they were measured
 * in. docs/cost-model.md documents the shape; {@link #FORMAT} goes up when a field changes
 * meaning or goes away (new fields may come without it).
 *
 * @param command       always {@code "vmlab experiment nanobench"}
 * @param format        the version of this shape, {@value #FORMAT}
 * @param units         what the numbers count
 * @param configuration how they were measured
 * @param benchmarks    one per row of the table, in its order (the nanobenchmarks, then forkwait)
 */
record NanobenchData(String command, int format, Units units, Configuration configuration,
                     List<Benchmark> benchmarks) {
    static final int FORMAT = 1;

    static final Units UNITS = new Units(
            "simulated cycles per operation: (cycles of 2N iterations - cycles of N) / N; for forkwait,"
                    + " the whole workload's cycles / forks",
            "cycles per operation in the VM / natively");

    /** What the numbers count. */
    record Units(String cycles, String slowdown) {
    }

    /**
     * @param iterations     N, the iterations of each benchmark's loop
     * @param forks          the forks (and waits) of forkwait
     * @param implementation whose lab code the VMs ran ({@code labs} or {@code solutions})
     * @param nativeIsa      the ISA of the native runs
     * @param techniques     the VM columns, in the table's order
     */
    record Configuration(int iterations, int forks, String implementation, String nativeIsa,
                         List<Technique> techniques) {
    }

    /** A VM column: a CPU and a memory technique on an ISA. */
    record Technique(String technique, String cpu, String memory, String isa) {
    }

    /** A row: cycles per operation natively, then in each VM. */
    record Benchmark(String benchmark, @JsonProperty("native") double nativeCycles, List<Vm> vms) {
    }

    /**
     * A cell: cycles per operation in a VM and the slowdown against native; both null unless
     * {@code status} is {@code measured}, when {@code detail} is the table's text; {@code error},
     * for a {@code failed} cell, what happened ("your lab code threw ... at ..."), else null.
     */
    record Vm(String technique, CellStatus status, Double cycles, Double slowdown, String detail, String error) {
    }

    /** The chart: cycles per operation, natively and under each technique, on a log scale. */
    BarChart chart() {
        List<String> categories = benchmarks.stream().map(Benchmark::benchmark).toList();
        List<Series> series = new ArrayList<>();
        series.add(new Series("native", benchmarks.stream().map(b -> (Double) b.nativeCycles()).toList()));
        for (Technique t : configuration.techniques()) {
            series.add(new Series(t.technique(), benchmarks.stream().map(b -> b.vms().stream()
                    .filter(vm -> vm.technique().equals(t.technique())).findFirst().orElseThrow().cycles()).toList()));
        }
        return new BarChart("Cost of one operation, natively and in a VM",
                "simulated cycles; Adams and Agesen's nanobenchmarks (N = " + configuration.iterations() + ") and forkwait ("
                        + configuration.forks() + " forks); lab code: " + configuration.implementation(),
                "benchmark", "cycles per operation (log scale)", true, "%,.0f", categories, series);
    }
}
