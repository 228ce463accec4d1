package org.vmlab.cli;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.cli.chart.BarChart;
import org.vmlab.cli.chart.Series;

/**
 * What {@code vmlab experiment io} measured, as {@code --json} writes it: per device model and
 * hosting model, what one I/O operation costs. docs/cost-model.md documents the shape;
 * {@link #FORMAT} goes up when a field changes meaning or goes away.
 *
 * @param command       always {@code "vmlab experiment io"}
 * @param format        the version of this shape, {@value #FORMAT}
 * @param units         what the numbers count
 * @param configuration how they were measured
 * @param operations    one per benchmark (a disk read, a network round trip), in the table's order
 * @param rings         the split driver's rings: suppression on and off, smaller network rings
 * @param dmaEscape     the assigned disk aimed at another VM's memory, without and with the IOMMU
 */
record IoData(String command, int format, Units units, Configuration configuration, List<Operation> operations,
              List<Ring> rings, List<Escape> dmaEscape) {
    static final int FORMAT = 1;

    static final Units UNITS = new Units(
            "per operation: (count over 2N iterations - count over N) / N, so boot and power-off cancel",
            "simulated cycles, the VM's including the VMM's",
            "exits of every kind to the VMM",
            "trips of device work to the driver domain or the host process",
            "event-channel notifications, front end to back end and back (split drivers only)");

    record Units(String perOperation, String cycles, String exits, String trips, String notifications) {
    }

    /**
     * @param clockHz        the nominal clock of the table's microseconds
     * @param implementation whose lab code the VMs ran
     * @param isa            the ISA every run used
     * @param iterations     N
     */
    record Configuration(long clockHz, String implementation, String isa, int iterations) {
    }

    /**
     * A benchmark, natively and under each device model.
     *
     * @param benchmark    the toyos program ({@code lat_disk})
     * @param operation    what an iteration does
     * @param nativeCycles cycles per operation on the bare machine
     * @param models       one per configuration
     */
    record Operation(String benchmark, String operation, double nativeCycles, List<Model> models) {
    }

    /**
     * One device model under one hosting model: the figures per operation (null unless
     * {@code status} is measured), and whether the runs were equivalent to bare metal.
     */
    record Model(String model, String devices, String hosting, String cpu, String memory, CellStatus status,
                 Double cycles, Double exits, Double trips, Double notifications, Double ratio,
                 String equivalence, String detail) {
    }

    /**
     * A whole toyos workload under the split driver with one setting of its rings.
     *
     * @param workload         {@code disk} or {@code net}
     * @param ringSize         slots in each network ring (the block ring keeps 64)
     * @param suppression      whether both ends suppressed the notifications the other did not ask for
     * @param requests         disk requests, or frames sent and received
     * @param notificationsIn  notifications to the back end per request
     * @param notificationsOut notifications to the front end per request
     * @param dropped          received frames dropped for want of a posted buffer
     * @param outcome          whether the workload ran as on bare metal
     */
    record Ring(String workload, int ringSize, boolean suppression, Long requests, Double notificationsIn,
                Double notificationsOut, Long dropped, String outcome) {
    }

    /**
     * A hostile guest given the machine's disk, aiming its DMA at another VM's secret.
     *
     * @param attack          {@code dma-read} or {@code dma-write}
     * @param withoutIommu    what happened with the IOMMU off
     * @param withIommu       what happened with it on
     */
    record Escape(String attack, String withoutIommu, String withIommu) {
    }

    /** The chart: cycles per operation under each model, natively too, on a log scale. */
    BarChart chart() {
        List<String> categories = operations.stream().map(Operation::benchmark).toList();
        List<Series> series = new ArrayList<>();
        series.add(new Series("native", operations.stream().map(o -> (Double) o.nativeCycles()).toList()));
        for (Model m : operations.get(0).models()) {
            series.add(new Series(m.model(), operations.stream().map(o -> o.models().stream()
                    .filter(x -> x.model().equals(m.model())).findFirst().orElseThrow().cycles()).toList()));
        }
        return new BarChart("I/O: the cost of one operation under each device model",
                "simulated cycles per operation (a 4 KiB disk read, a 64-byte network round trip); lab code: "
                        + configuration.implementation(),
                "benchmark", "cycles per operation (log scale)", true, "%,.0f", categories, series);
    }
}
