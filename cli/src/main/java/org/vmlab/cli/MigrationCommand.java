package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.vmlab.guests.Dirtier;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.migration.Link;
import org.vmlab.vmm.migration.MigrationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vmlab experiment migration}: Clark et al.'s live migration (NSDI 2005) of every toyos
 * workload, and of a guest that dirties memory faster than the link sends it, from the middle of
 * its run: the pages of each round of pre-copy, the pages in all, and the downtime.
 */
@Command(name = "migration", mixinStandardHelpOptions = true,
        header = "Live migration by pre-copy: rounds, pages and downtime of each workload.",
        description = {"Each toyos workload, and the dirtier (a guest storing into 128 pages again and again),",
                "runs in a VM that moves live to another host halfway through its run (Clark et al.,",
                "NSDI 2005): pre-copy rounds over a gigabit link while it runs, each sending the pages",
                "dirtied during the one before, until few are left (converged) or the guest dirties",
                "them as fast as the link sends them, then the stop-and-copy, whose time is the downtime.",
                "Under hardware assistance with nested paging (dirty bits) and trap-and-emulate with",
                "shadow paging (write protection). Every moved run is checked exactly against bare metal.",
                "--svg draws each workload's downtime (log scale). docs/migration.md explains the table.",
                "Exit code 0, 1 if a run failed or was not equivalent, 2 if lab code threw."})
final class MigrationCommand implements Callable<Integer> {
    private static final IsaVariant ISA = IsaVariant.CLASSIC;
    /** The dirtier's passes here: some 2.6 million instructions, a few rounds' worth. */
    private static final int DIRTIER_PASSES = 5_000;
    private static final String DIRTIER = "dirtier";

    /** A technique pair: one column of runs. */
    private record Pair(String cpu, String memory) {
        String title() {
            return cpu + "+" + memory;
        }
    }

    private static final List<Pair> PAIRS = List.of(new Pair("hardware", "nested"), new Pair("trap-emulate", "shadow"));

    @Spec
    CommandSpec spec;

    @Mixin
    ImplOption impl;

    @Mixin
    ResultOptions results;

    @Override
    public Integer call() {
        results.check();
        Techniques techniques = impl.techniques();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter out = results.table(stdout);
        List<String> workloads = new ArrayList<>(Toyos.workloads());
        workloads.add(DIRTIER);
        Progress progress = results.progress(spec.commandLine().getErr(), "migration", workloads.size() * PAIRS.size());
        out.printf("live migration by pre-copy from mid-run, %,d cycles a page on the link (gigabit, 1 GHz);"
                + " downtime = the stop-and-copy%n%n", Link.GIGABIT.cyclesPerPage());
        out.printf("%-10s %-22s %11s  %-24s %7s %6s %10s  %-16s %s%n", "workload", "techniques", "from", "pages per round",
                "total", "last", "downtime", "pre-copy", "equivalence");
        CellFailures failures = new CellFailures();
        List<MigrationData.Migration> rows = new ArrayList<>();
        boolean allEquivalent = true;
        // Every cell at once (each is two hosts and a bare machine of its own), printed in order.
        List<MigrationData.Migration> cells = workloads.parallelStream().flatMap(workload -> PAIRS.stream()
                .map(p -> cell(failures, techniques, p, workload, progress))).toList();
        progress.clear();
        for (MigrationData.Migration m : cells) {
            allEquivalent &= m.status() != CellStatus.MEASURED || m.equivalence().startsWith("equivalent");
            out.println(row(m));
            rows.add(m);
        }
        out.flush();
        out.println();
        out.println("toyos's working set is a few dozen pages, sent in one round while the guest runs on; what");
        out.println("it dirtied meanwhile is few enough to stop and copy at once. The dirtier's 128 pages are");
        out.println("all dirty again within each round: pre-copy stops at round 2, when the dirty set no longer");
        out.println("shrinks, and the stop-and-copy sends them, a downtime of milliseconds where toyos's is a");
        out.println("fraction. docs/migration.md gives the design and the costs.");
        out.flush();
        failures.report(stdout, spec.commandLine().getErr());
        MigrationData data = new MigrationData("vmlab experiment migration", MigrationData.FORMAT,
                new MigrationData.Configuration(LmbenchCommand.CLOCK_HZ, impl.chosen().name(),
                        Link.GIGABIT.cyclesPerPage(), Link.GIGABIT.source(), MigratedRun.SLICE,
                        "Clark et al.: stop at 64 dirty pages or when the dirty set stops shrinking; 30 rounds;"
                                + " 3 times the memory", "half the bare-metal run's instructions"),
                rows);
        results.write(data, data::chart, stdout);
        return failures.labBug() ? Vmlab.USAGE : failures.any() || !allEquivalent ? 1 : 0;
    }

    private static String row(MigrationData.Migration m) {
        String techniques = m.cpu() + "+" + m.memory();
        if (m.status() != CellStatus.MEASURED) {
            return String.format("%-10s %-22s %s", m.workload(), techniques, m.detail());
        }
        String perRound = String.join(" ", m.rounds().stream().map(r -> Integer.toString(r.pagesSent())).toList());
        return String.format("%-10s %-22s %,11d  %-24s %,7d %,6d %8.0fµs  %-16s %s", m.workload(), techniques,
                m.startedAt(), perRound, m.totalPages(), m.stopAndCopyPages(), m.downtimeMicroseconds(),
                m.outcome(), m.equivalence());
    }

    private static MigrationData.Migration cell(CellFailures failures, Techniques techniques, Pair pair,
            String workload, Progress progress) {
        CellFailures.Cell failed;
        try {
            progress.step(workload + " under " + pair.title());
            CpuTechnique cpu = techniques.cpu(pair.cpu()).orElseThrow(() -> new UserError("no technique " + pair.cpu()));
            MemoryTechnique memory = techniques.memory(pair.memory())
                    .orElseThrow(() -> new UserError("no technique " + pair.memory()));
            Image image = workload.equals(DIRTIER) ? Dirtier.image(Dirtier.PAGES, DIRTIER_PASSES)
                    : Toyos.image(Toyos.Flavor.NATIVE);
            Consumer<Machine> bootBare = m -> boot(m, image, workload);
            Consumer<VirtualMachine> bootVm = vm -> boot(vm, image, workload);
            MachineConfig bareConfig = MachineConfig.builder().isa(ISA).fuel(Toyos.FUEL).build();
            Machine bare = new Machine(bareConfig);
            bootBare.accept(bare);
            RunResult nativeRun = bare.run();
            VirtualizedRun.Plan plan = new VirtualizedRun.Plan(bareConfig, 1, cpu, memory, false, null,
                    Equivalence.Level.EXACT, false, null, Hosting.HOSTED, 0);
            MigratedRun.Moved moved = MigratedRun.migrate(plan, bootVm, nativeRun.instructions() / 2,
                    techniques.preCopyPolicy().orElseThrow(() -> new UserError("the implementation registers no"
                            + " pre-copy policy (Lab 7's org.vmlab.labs.lab7.PreCopyRules)")));
            MigrationReport r = moved.report();
            Equivalence.Verdict verdict = Equivalence.compare(nativeRun, moved.result());
            String equivalence = verdict.equivalent() ? "equivalent"
                    : "NOT EQUIVALENT: " + String.join("; ", verdict.differences());
            return new MigrationData.Migration(workload, pair.cpu(), pair.memory(), CellStatus.MEASURED, r.startedAt(),
                    r.rounds().stream().map(x -> new MigrationData.Round(x.number(), x.pagesSent(), x.dirtyPages(),
                            x.cycles())).toList(), r.totalPages(), r.stopAndCopyPages(), r.downtimeCycles(),
                    r.downtimeMicroseconds(), r.converged(), r.outcome(), r.why(), equivalence, null);
        } catch (UserError noSuchTechnique) {
            failed = new CellFailures.Cell(CellStatus.NOT_AVAILABLE, "not available: " + noSuchTechnique.getMessage(),
                    null);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            failed = failures.thrown(pair.title(), workload, e);
        }
        return new MigrationData.Migration(workload, pair.cpu(), pair.memory(), failed.status(), null, List.of(), null,
                null, null, null, null, null, null, null, failed.text());
    }

    private static void boot(Machine machine, Image image, String workload) {
        if (workload.equals(DIRTIER)) {
            machine.load(image);
        } else {
            Toyos.boot(machine, image, workload);
        }
    }

    private static void boot(VirtualMachine vm, Image image, String workload) {
        if (workload.equals(DIRTIER)) {
            vm.load(image);
        } else {
            Toyos.boot(vm, image, workload);
        }
    }
}
