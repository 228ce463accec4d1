package org.vmlab.cli;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.cli.chart.BarChart;
import org.vmlab.cli.chart.Series;

/**
 * What {@code vmlab experiment consolidation} measured, as {@code --json} writes it: for each number
 * of VMs and each memory policy, what the overcommitted machine got done. {@link #FORMAT} goes up
 * when a field changes meaning or goes away.
 *
 * @param command       always {@code "vmlab experiment consolidation"}
 * @param format        the version of this shape, {@value #FORMAT}
 * @param configuration how it was measured
 * @param rows          one per number of VMs and policy, in the table's order
 */
record ConsolidationData(String command, int format, Configuration configuration, List<Row> rows) {
    static final int FORMAT = 1;

    /**
     * @param machineFrames  the machine's RAM in 4 KiB frames
     * @param cpu            the CPU technique
     * @param memory         the memory technique
     * @param implementation whose lab code the VMs ran
     * @param workload       what each VM ran (K is its number less one)
     * @param vmCounts       the numbers of VMs
     * @param policies       none, sharing (the page-sharing scanner), balloon (the balloon policy), both
     */
    record Configuration(int machineFrames, String cpu, String memory, String implementation, String workload,
                         List<Integer> vmCounts, List<String> policies) {
    }

    /**
     * @param vms            N
     * @param policy         the memory policy
     * @param completed      VMs that halted with bare metal's output
     * @param wrongOutput    VMs that halted with another output (never, unless the VMM is wrong)
     * @param peakFrames     machine frames in use at the most, after a slice
     * @param savedPerVm     machine frames freed by sharing plus reclaimed by the balloon, per VM
     * @param reclaimedPerVm machine frames reclaimed by the balloon, per VM
     * @param throughput     guest instructions of the VMs that completed per 1000 simulated cycles of all
     */
    record Row(int vms, String policy, int completed, int wrongOutput, int peakFrames, double savedPerVm,
               double reclaimedPerVm, double throughput) {
    }

    /** The chart: throughput of each policy as N grows. */
    BarChart chart() {
        List<String> categories = configuration.vmCounts().stream().map(n -> n + " VMs").toList();
        List<Series> series = new ArrayList<>();
        for (String policy : configuration.policies()) {
            series.add(new Series(policy, configuration.vmCounts().stream().map(n -> rows.stream()
                    .filter(r -> r.vms() == n && r.policy().equals(policy)).findFirst()
                    .map(r -> (Double) r.throughput()).orElse(null)).toList()));
        }
        return new BarChart("Consolidation: N toyos VMs on " + configuration.machineFrames() + " machine frames",
                "guest instructions of the VMs that completed per 1000 simulated cycles; memhog K, "
                        + configuration.cpu() + " + " + configuration.memory(),
                "VMs", "instructions per 1000 cycles", false, "%,.1f", categories, series);
    }
}
