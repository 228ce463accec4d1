package org.vmlab.cli;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.cli.chart.BarChart;
import org.vmlab.cli.chart.Series;

/**
 * What {@code vmlab experiment migration} measured, as {@code --json} writes it: for each workload
 * and technique pair, a live migration's rounds, pages and downtime. docs/migration.md documents
 * the shape; {@link #FORMAT} goes up when a field changes meaning or goes away.
 *
 * @param command       always {@code "vmlab experiment migration"}
 * @param format        the version of this shape, {@value #FORMAT}
 * @param configuration how the migrations were made
 * @param migrations    one per workload and technique pair, in the table's order
 */
record MigrationData(String command, int format, Configuration configuration, List<Migration> migrations) {
    static final int FORMAT = 1;

    /**
     * @param clockHz        the nominal clock of the microseconds
     * @param implementation whose lab code the VMs ran
     * @param cyclesPerPage  the link: cycles to send one 4 KiB page
     * @param link           where that figure comes from
     * @param slice          the source host's slice, in guest instructions (a round ends at a slice boundary)
     * @param policy         the pre-copy policy
     * @param startAt        where in each run the migration began
     */
    record Configuration(long clockHz, String implementation, long cyclesPerPage, String link, long slice,
                         String policy, String startAt) {
    }

    /**
     * One workload migrated under one technique pair (the figures are null unless {@code status}
     * is measured).
     *
     * @param workload         the toyos workload, or {@code dirtier}
     * @param cpu              the CPU technique
     * @param memory           the memory technique
     * @param status           whether it was measured
     * @param startedAt        the guest instruction at which pre-copy began
     * @param rounds           pre-copy's rounds, in order
     * @param totalPages       pages sent in all
     * @param stopAndCopyPages pages sent while the VM was stopped
     * @param downtimeCycles   the stop-and-copy: its pages and the VM's state on the link
     * @param downtimeMicroseconds the same at the nominal clock
     * @param converged        whether pre-copy ended because what was left was small
 * @param outcome          how pre-copy ended: converged, did not converge, or guest stopped (it
 *                         powered off during pre-copy and was moved as it stopped)
     * @param why              why pre-copy ended
     * @param equivalence      whether the moved VM's run was bare metal's
     * @param detail           what went wrong, if it was not measured
     */
    record Migration(String workload, String cpu, String memory, CellStatus status, Long startedAt, List<Round> rounds,
                     Long totalPages, Integer stopAndCopyPages, Long downtimeCycles, Double downtimeMicroseconds,
                     Boolean converged, String outcome, String why, String equivalence, String detail) {
    }

    /** A round of pre-copy: pages sent, pages dirtied meanwhile, its simulated cycles. */
    record Round(int number, int pagesSent, int dirtyPages, long cycles) {
    }

    /** The chart: each workload's downtime under each technique pair, in microseconds, log scale. */
    BarChart chart() {
        List<String> workloads = migrations.stream().map(Migration::workload).distinct().toList();
        List<String> pairs = migrations.stream().map(m -> m.cpu() + "+" + m.memory()).distinct().toList();
        List<Series> series = new ArrayList<>();
        for (String pair : pairs) {
            series.add(new Series(pair, workloads.stream().map(w -> migrations.stream()
                    .filter(m -> m.workload().equals(w) && (m.cpu() + "+" + m.memory()).equals(pair))
                    .findFirst().map(Migration::downtimeMicroseconds).orElse(null)).toList()));
        }
        return new BarChart("Live migration: the downtime of each workload",
                "pre-copy (Clark et al., NSDI 2005) over a gigabit link, from mid-run; downtime = the stop-and-copy's"
                        + " pages and state; lab code: " + configuration.implementation(),
                "workload", "downtime, µs at 1 GHz (log scale)", true, "%,.0f", workloads, series);
    }
}
