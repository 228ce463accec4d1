package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vmlab.guests.Lmbench;
import org.vmlab.guests.Lmbenchmark;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;
import org.vmlab.vmm.trace.ChromeTrace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmlab experiment lmbench}: lmbench's microbenchmarks (McVoy and Staelin, USENIX 1996) as
 * toyos programs, natively and in a VM under each technique, in simulated microseconds, as Barham
 * et al. compared Xen with native Linux (SOSP 2003, Tables 3 to 5).
 */
@Command(name = "lmbench", mixinStandardHelpOptions = true,
        header = "lmbench's microbenchmarks as toyos programs, natively and under each technique.",
        description = {"lmbench's microbenchmarks (McVoy and Staelin, USENIX 1996) as toyos user programs: the",
                "null system call, fork, fork and exec, a page fault on a fresh page, a context switch,",
                "sbrk. Simulated microseconds per operation at a nominal clock of 1 GHz, natively and in a",
                "VM: trap-and-emulate and binary translation with shadow paging, and paravirtualization",
                "(the paravirtual toyos, with the paravirtual MMU) where the implementation has it.",
                "Each figure is (cycles of 2N iterations - cycles of N) / N, the VM's cycles including the",
                "VMM's, so boot and power-off cancel; no timer runs in the guest.",
                "--svg draws the microseconds per operation of each benchmark and technique (log scale).",
                "Exit code 0, 1 if a run failed, 2 if lab code threw: its cells say 'lab bug', and the",
                "bug is told below the table, where in the lab's classes it was thrown."})
final class LmbenchCommand implements Callable<Integer> {
    /**
     * The nominal clock that turns simulated cycles into time: the trace's, so that a cycle is a
     * nanosecond in both (docs/cost-model.md).
     */
    static final long CLOCK_HZ = ChromeTrace.CLOCK_HZ;
    private static final double CYCLES_PER_MICROSECOND = CLOCK_HZ / 1e6;

    /** A VM configuration: one column of the table; {@code always}: shown even where not installed. */
    record Column(String title, String cpu, String memory, IsaVariant isa, Toyos.Flavor flavor,
                          boolean always) {
        String name() {
            return title + "/" + isa.name();
        }
    }

    /**
     * Full virtualization runs the unmodified kernel; paravirtualization runs the paravirtual
     * build, and appears only where both of its techniques are installed.
     */
    private static final List<Column> COLUMNS = List.of(
            new Column("trap-emulate", "trap-emulate", "shadow", IsaVariant.CLASSIC, Toyos.Flavor.NATIVE, true),
            new Column("binary-translation", "binary-translation", "shadow", IsaVariant.LEGACY,
                    Toyos.Flavor.NATIVE, true),
            new Column("paravirt", "paravirt", "pv-mmu", IsaVariant.LEGACY, Toyos.Flavor.PARAVIRT, false));

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", converter = Converters.LmbenchIterations.class,
            description = "Iterations of every program's loop, 1..1000 (default: each its own, 20 to 1000,"
                    + " as the table's N column shows).")
    Integer iterations;

    @Mixin
    ImplOption impl;

    @Mixin
    ResultOptions results;

    @Override
    public Integer call() {
        results.check();
        Techniques techniques = impl.techniques();
        List<Column> columns = columns(techniques.cpuNames(), techniques.memoryNames());
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter out = results.table(stdout);
        Progress progress = results.progress(spec.commandLine().getErr(), "lmbench",
                Lmbenchmark.all().size() * (1 + columns.size()));
        out.printf("simulated microseconds per operation at %s (a cycle is a nanosecond); ratio to native"
                + " in brackets%n%n", clock());
        StringBuilder header = new StringBuilder(String.format("%-14s %5s %10s", "benchmark", "N", "native"));
        columns.forEach(c -> header.append(String.format("  %26s", c.name())));
        out.println(header);
        Lmbench.Runner bare = Lmbench.bareMetal();
        List<LmbenchData.Benchmark> rows = new ArrayList<>();
        CellFailures failures = new CellFailures();
        for (Lmbenchmark bench : Lmbenchmark.all()) {
            int n = iterations != null ? iterations : bench.defaultIterations();
            progress.step(bench.id() + " natively");
            double nativeCycles = Lmbench.measure(bench, n, bare).cyclesPerOperation();
            List<LmbenchData.Vm> cells = columns.parallelStream()
                    .map(c -> cell(failures, techniques, c, bench, n, nativeCycles, progress))
                    .toList();
            StringBuilder row = new StringBuilder(String.format("%-14s %5d %,10.2f", bench.id(), n,
                    micro(nativeCycles)));
            cells.forEach(c -> row.append(String.format("  %26s", c.status() == CellStatus.MEASURED
                    ? String.format("%,.2f (%.1fx)", c.microseconds(), c.ratio()) : c.detail())));
            progress.clear();
            out.println(row);
            out.flush();
            rows.add(new LmbenchData.Benchmark(bench.id(), bench.lmbench(), bench.description(), n,
                    bench.operationsPerIteration(), nativeCycles, micro(nativeCycles), cells));
        }
        out.println();
        out.println("Barham et al. (SOSP 2003, Table 3) ran these under Xen and VMware: what a technique makes");
        out.println("the guest trap on decides each figure. docs/cost-model.md gives the cost of each VMM event.");
        out.flush();
        failures.report(stdout, spec.commandLine().getErr());
        LmbenchData data = new LmbenchData("vmlab experiment lmbench", LmbenchData.FORMAT, LmbenchData.UNITS,
                new LmbenchData.Configuration(CLOCK_HZ, impl.chosen().name(),
                        MachineConfig.defaults().isa().name(), columns.stream().map(c -> new LmbenchData.Technique(
                        c.name(), c.cpu(), c.memory(), c.isa().name(), c.flavor().name().toLowerCase(
                        java.util.Locale.ROOT))).toList()), rows);
        results.write(data, data::chart, stdout);
        return failures.labBug() ? Vmlab.USAGE : failures.any() ? 1 : 0;
    }

    /** The clock, as the header and the docs state it. */
    static String clock() {
        return CLOCK_HZ % 1_000_000_000L == 0 ? CLOCK_HZ / 1_000_000_000L + " GHz" : CLOCK_HZ / 1_000_000L + " MHz";
    }

    private static double micro(double cycles) {
        return cycles / CYCLES_PER_MICROSECOND;
    }

    /**
     * The columns for an implementation that has the CPU techniques {@code cpus} and the memory
     * techniques {@code memories}: full virtualization always (a missing technique makes its cells
     * "not available"), paravirtualization where both of its techniques are there.
     */
    static List<Column> columns(List<String> cpus, List<String> memories) {
        return COLUMNS.stream().filter(c -> c.always() || cpus.contains(c.cpu()) && memories.contains(c.memory()))
                .toList();
    }

    private static LmbenchData.Vm cell(CellFailures failures, Techniques techniques, Column column,
            Lmbenchmark bench, int iterations, double nativeCycles, Progress progress) {
        CellFailures.Cell failed;
        try {
            progress.step(bench.id() + " under " + column.name());
            double cycles = Lmbench.measure(bench, iterations, vm(techniques, column)).cyclesPerOperation();
            // A ratio to nothing is no number (and JSON has no infinity).
            return new LmbenchData.Vm(column.name(), CellStatus.MEASURED, cycles, micro(cycles),
                    nativeCycles > 0 ? cycles / nativeCycles : null, null, null);
        } catch (Lmbench.Failed e) {
            failed = failures.failed(column.name(), bench.id(), e.getMessage());
        } catch (UserError noSuchTechnique) {
            failed = new CellFailures.Cell(CellStatus.NOT_AVAILABLE, "not available", null);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            failed = failures.thrown(column.name(), bench.id(), e);
        }
        return new LmbenchData.Vm(column.name(), failed.status(), null, null, null, failed.text(), failed.error());
    }

    /** Runs toyos of the column's flavor in a fresh VM under the column's techniques. */
    private static Lmbench.Runner vm(Techniques techniques, Column column) {
        CpuTechnique cpu = techniques.cpu(column.cpu())
                .orElseThrow(() -> new UserError("no technique " + column.cpu()));
        MemoryTechnique memory = techniques.memory(column.memory())
                .orElseThrow(() -> new UserError("no technique " + column.memory()));
        Image kernel = Toyos.image(column.flavor());
        return (commandLine, fuel) -> SingleVm.run(cpu, memory, column.isa(), fuel,
                vm -> Toyos.boot(vm, kernel, commandLine));
    }
}
