package org.vmlab.cli;

import java.util.List;
import org.vmlab.cli.chart.BarChart;
import org.vmlab.cli.chart.Series;

/**
 * What {@code vmlab demo} measured, as {@code --json} writes it: the table's figures, named as
 * its columns are, with their units and the configuration they were measured in.
 * docs/cost-model.md documents the shape; {@link #FORMAT} goes up when a field changes meaning or
 * goes away (new fields may come without it).
 *
 * @param command       always {@code "vmlab demo"}
 * @param format        the version of this shape, {@value #FORMAT}
 * @param units         what the numbers count
 * @param configuration how they were measured
 * @param workloads     one per row of the table, in its order
 * @param ok            the exit code's verdict: every workload printed its expected output, and
 *                      every technique was equivalent where it is meant to be and diverged where not
 */
record DemoData(String command, int format, Units units, Configuration configuration, List<Workload> workloads,
                boolean ok) {
    static final int FORMAT = 1;

    static final Units UNITS = new Units(
            "guest instructions retired",
            "simulated cycles, from the machine's cost model and the VMM's (docs/cost-model.md)",
            "cycles in the VM / cycles of the same workload on bare metal with the technique's ISA",
            "percent of the VM's guest instructions that the real CPU ran directly");

    /** What the numbers count. */
    record Units(String instructions, String cycles, String slowdown, String direct) {
    }

    /**
     * @param implementation whose lab code the VMs ran ({@code labs} or {@code solutions}); null with --bare
     * @param memory         the memory technique of every VM; null with --bare
     * @param bareIsa        the ISA of the row's bare-metal run
     * @param fuel           the most instructions a run may take
     * @param techniques     the VM columns, in the table's order (none with --bare)
     */
    record Configuration(String implementation, String memory, String bareIsa, long fuel, List<Technique> techniques) {
    }

    /** A VM column: a CPU and a memory technique on an ISA, and whether it is meant to be equivalent there. */
    record Technique(String technique, String cpu, String memory, String isa, boolean expectedEquivalent) {
    }

    /** A row: the workload on bare metal ({@code bare} is {@code ok} or {@code WRONG}), then in each VM. */
    record Workload(String workload, String bare, long instructions, long cycles, List<Vm> vms) {
    }

    /**
     * A cell: the workload in a VM. The figures are null unless {@code status} is {@code
     * measured}; {@code memory} is {@code direct} where shadow paging (Lab 3) is not written yet
     * (the table's {@code *}); {@code detail} is the table's text when nothing was measured; {@code
     * error}, for a {@code failed} cell, what happened ("your lab code threw ... at ..."), else null.
     */
    record Vm(String technique, CellStatus status, String memory, Long cycles, Long bareCycles, Double slowdown,
              Double direct, Boolean equivalent, String detail, String error) {

        /** The table's cell. */
        String text() {
            if (status != CellStatus.MEASURED) {
                return detail;
            }
            return String.format("%6.2fx %6.2f%% %s", slowdown, direct, equivalent ? "equivalent" : "DIVERGED")
                    + (memory.equals("identity") ? DemoCommand.ON_IDENTITY_PAGING : "");
        }
    }

    /**
     * The chart: the slowdown of every workload under each technique, on a log scale (from
     * {@code compute}'s 2x to {@code forkwait}'s 100x and more, a linear one would flatten most
     * bars). A technique that diverged says so in the legend: its slowdown means little.
     */
    BarChart chart() {
        List<String> categories = workloads.stream().map(Workload::workload).toList();
        List<Series> series = configuration.techniques().stream().map(t -> {
            List<Vm> cells = workloads.stream().map(w -> w.vms().stream()
                    .filter(vm -> vm.technique().equals(t.technique())).findFirst().orElseThrow()).toList();
            boolean diverged = cells.stream().anyMatch(vm -> Boolean.FALSE.equals(vm.equivalent()));
            return new Series(t.technique() + (diverged ? " (diverged)" : ""),
                    cells.stream().map(Vm::slowdown).toList());
        }).toList();
        boolean direct = workloads.stream().flatMap(w -> w.vms().stream())
                .anyMatch(vm -> "identity".equals(vm.memory()));
        return new BarChart("toyos in a VM: slowdown against bare metal",
                "simulated cycles in the VM / on bare metal; " + (direct ? "shadow paging where written, else direct"
                        : configuration.memory() + " paging") + "; lab code: " + configuration.implementation(),
                "workload", "slowdown (log scale)", true, "%.1fx", categories, series);
    }
}
