package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import org.vmlab.guests.Attack;
import org.vmlab.guests.AttackSetup;
import org.vmlab.guests.Attacks;
import org.vmlab.guests.Containment;
import org.vmlab.guests.CycleCounter;
import org.vmlab.guests.Nanobench;
import org.vmlab.guests.Nanobenchmark;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmlab experiment}: the measurements of the literature, repeated on the simulator. It runs
 * nothing by itself: without one of its commands it is a usage error.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Repeat a published experiment on the simulator.",
        subcommands = {ExperimentCommand.NanobenchCommand.class, ExperimentCommand.AttacksCommand.class,
                LmbenchCommand.class, IoCommand.class, ConsolidationCommand.class,
                MigrationCommand.class})
final class ExperimentCommand {

    /**
     * Adams and Agesen's nanobenchmarks (ASPLOS 2006, Figure 4) and forkwait: the cost of each
     * operation natively and under each technique, in simulated cycles.
     */
    @Command(name = "nanobench", mixinStandardHelpOptions = true,
            header = "Adams and Agesen's nanobenchmarks and forkwait, natively and under each technique.",
            description = {"Adams and Agesen's nanobenchmarks (ASPLOS 2006) and forkwait: simulated cycles per",
                    "operation natively and in a VM under each CPU technique, with shadow paging.",
                    "Each figure is (cycles of 2N iterations - cycles of N) / N, so boot and power-off cancel;",
                    "forkwait is the whole toyos workload (100 forks and waits) divided by 100.",
                    "--svg draws the cycles per operation of each benchmark and technique (log scale).",
                    "Exit code 0, 1 if a run failed, 2 if lab code threw: its cells say 'lab bug', and the",
                    "bug is told below the table, where in the lab's classes it was thrown."})
    static final class NanobenchCommand implements Callable<Integer> {
        /** A technique pair on an ISA: one column of the table. */
        private record Column(String title, String cpu, String memory, IsaVariant isa) {
        }

        private static final List<Column> COLUMNS = List.of(
                new Column("trap-emulate", "trap-emulate", "shadow", IsaVariant.CLASSIC),
                new Column("binary-translation", "binary-translation", "shadow", IsaVariant.LEGACY),
                new Column("hardware+shadow", "hardware", "shadow", IsaVariant.LEGACY),
                new Column("hardware+nested", "hardware", "nested", IsaVariant.LEGACY));
        private static final int FORKS = 100;

        @Spec
        CommandSpec spec;

        @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "200",
                converter = Converters.Iterations.class,
                description = "Iterations of each benchmark's loop, 1..100000 (default: ${DEFAULT-VALUE}).")
        int iterations;

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
            Progress progress = results.progress(spec.commandLine().getErr(), "nanobench",
                    (Nanobenchmark.all().size() + 1) * (1 + COLUMNS.size()));
            out.printf("simulated cycles per operation (N = %d); slowdown against native in brackets%n%n", iterations);
            StringBuilder header = new StringBuilder(String.format("%-10s %10s", "benchmark", "native"));
            COLUMNS.forEach(c -> header.append(String.format("  %26s", title(c))));
            out.println(header);
            List<NanobenchData.Benchmark> rows = new ArrayList<>();
            CellFailures failures = new CellFailures();
            for (Nanobenchmark bench : Nanobenchmark.all()) {
                progress.step(bench.id() + " natively");
                double nativeFigure = Nanobench.measure(bench, iterations,
                        CycleCounter.bareMetal(MachineConfig.defaults())).cyclesPerIteration();
                List<NanobenchData.Vm> cells = COLUMNS.parallelStream()
                        .map(c -> cell(failures, c, bench.id(), nativeFigure, () -> {
                            progress.step(bench.id() + " under " + title(c));
                            return Nanobench.measure(bench, iterations, vmCounter(techniques, c)).cyclesPerIteration();
                        }))
                        .toList();
                rows.add(printRow(out, progress, bench.id(), nativeFigure, cells));
            }
            progress.step("forkwait natively");
            double nativeForkwait = forkwait(null, null) / (double) FORKS;
            List<NanobenchData.Vm> cells = COLUMNS.parallelStream()
                    .map(c -> cell(failures, c, "forkwait", nativeForkwait, () -> {
                        progress.step("forkwait under " + title(c));
                        return forkwait(techniques, c) / (double) FORKS;
                    }))
                    .toList();
            rows.add(printRow(out, progress, "forkwait", nativeForkwait, cells));
            out.println();
            out.println("Adams and Agesen's point: a trap costs thousands of cycles, so what a VMM avoids");
            out.println("trapping on decides its speed. docs/cost-model.md gives the cost of each VMM event.");
            out.flush();
            failures.report(stdout, spec.commandLine().getErr());
            NanobenchData data = new NanobenchData("vmlab experiment nanobench", NanobenchData.FORMAT,
                    NanobenchData.UNITS, new NanobenchData.Configuration(iterations, FORKS, impl.chosen().name(),
                    MachineConfig.defaults().isa().name(), COLUMNS.stream().map(c -> new NanobenchData.Technique(
                            title(c), c.cpu(), c.memory(), c.isa().name())).toList()), rows);
            results.write(data, data::chart, stdout);
            return failures.labBug() ? Vmlab.USAGE : failures.any() ? 1 : 0;
        }

        /** The column's title in the table: its techniques' name and the ISA. */
        private static String title(Column column) {
            return column.title() + "/" + column.isa().name();
        }

        private static NanobenchData.Benchmark printRow(PrintWriter out, Progress progress, String name,
                double nativeFigure, List<NanobenchData.Vm> cells) {
            StringBuilder row = new StringBuilder(String.format("%-10s %,10.0f", name, nativeFigure));
            cells.forEach(c -> row.append(String.format("  %26s", c.status() == CellStatus.MEASURED
                    ? String.format("%,.0f (%.1fx)", c.cycles(), c.cycles() / nativeFigure) : c.detail())));
            progress.clear();
            out.println(row);
            out.flush();
            return new NanobenchData.Benchmark(name, nativeFigure, cells);
        }

        private static NanobenchData.Vm cell(CellFailures failures, Column column, String benchmark,
                double nativeFigure, DoubleSupplier figure) {
            CellFailures.Cell failed;
            try {
                double f = figure.getAsDouble();
                // A slowdown against nothing is no number (and JSON has no infinity).
                return new NanobenchData.Vm(title(column), CellStatus.MEASURED, f,
                        nativeFigure > 0 ? f / nativeFigure : null, null, null);
            } catch (NotPoweredOff e) {
                failed = failures.failed(title(column), benchmark, e.getMessage());
            } catch (UserError noSuchTechnique) {
                failed = new CellFailures.Cell(CellStatus.NOT_AVAILABLE, "not available", null);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                failed = failures.thrown(title(column), benchmark, e);
            }
            return new NanobenchData.Vm(title(column), failed.status(), null, null, failed.text(), failed.error());
        }

        private static CycleCounter vmCounter(Techniques techniques, Column column) {
            CpuTechnique cpu = cpuTechnique(techniques, column);
            MemoryTechnique memory = memoryTechnique(techniques, column);
            return image -> halted(SingleVm.run(cpu, memory, column.isa(), 10_000_000L, vm -> vm.load(image))).cycles();
        }

        /** The cycles of the whole forkwait workload, natively when {@code column} is null. */
        private static long forkwait(Techniques techniques, Column column) {
            Image kernel = Toyos.image(Toyos.Flavor.NATIVE);
            if (column == null) {
                Machine machine = new Machine(
                        MachineConfig.builder().fuel(Toyos.FUEL).build());
                Toyos.boot(machine, kernel, "forkwait");
                return halted(machine.run()).cycles();
            }
            return halted(SingleVm.run(cpuTechnique(techniques, column), memoryTechnique(techniques, column),
                    column.isa(), Toyos.FUEL, vm -> Toyos.boot(vm, kernel, "forkwait"))).cycles();
        }

        private static RunResult halted(RunResult run) {
            if (run.stopReason() != StopReason.HALT) {
                throw new NotPoweredOff("the guest did not power off: " + run.stopReason()
                        + (run.stopDetail() == null || run.stopDetail().isEmpty() ? "" : ", " + run.stopDetail()));
            }
            return run;
        }

        /** A benchmark's guest that did not end by powering off: there is no figure to give. */
        private static final class NotPoweredOff extends RuntimeException {
            NotPoweredOff(String message) {
                super(message, null, false, false);
            }
        }

        private static CpuTechnique cpuTechnique(Techniques techniques, Column column) {
            return techniques.cpu(column.cpu()).orElseThrow(() -> new UserError("no technique " + column.cpu()));
        }

        private static MemoryTechnique memoryTechnique(Techniques techniques, Column column) {
            return techniques.memory(column.memory()).orElseThrow(() -> new UserError("no technique " + column.memory()));
        }
    }

    /**
     * The hostile guests: each attack on bare metal (where it works), then in a VM beside a victim
     * VM under each technique (where it must not).
     */
    @Command(name = "attacks", mixinStandardHelpOptions = true,
            header = "Every hostile guest on bare metal, then in a VM beside a victim VM.",
            description = {"Popek and Goldberg's resource control, tested: every hostile guest on bare metal,",
                    "then in a VM beside a victim VM (toyos, holding a secret) under each CPU technique with",
                    "shadow paging, and hardware assistance with nested paging too. Contained: the attacker found or overwrote nothing of the victim's, and",
                    "the victim ran to its end. docs/guests-bench.md describes the attacks.",
                    "Exit code 0 if every attack was contained, 1 if not, 2 if lab code threw: its cells say",
                    "'lab bug', and the bug is told below the table, where in the lab's classes it was thrown."})
    static final class AttacksCommand implements Callable<Integer> {
        /** A CPU and a memory technique on an ISA; the title names the memory technique where it varies. */
        private record Column(String name, String cpu, String memory, IsaVariant isa) {
            String title() {
                return name + "/" + isa.name();
            }
        }

        private static final List<Column> COLUMNS = List.of(
                new Column("trap-emulate", "trap-emulate", "shadow", IsaVariant.CLASSIC),
                new Column("binary-translation", "binary-translation", "shadow", IsaVariant.LEGACY),
                new Column("hardware+shadow", "hardware", "shadow", IsaVariant.LEGACY),
                new Column("hardware+nested", "hardware", "nested", IsaVariant.LEGACY));

        @Spec
        CommandSpec spec;

        @Mixin
        ImplOption impl;

        @Override
        public Integer call() {
            Techniques techniques = impl.techniques();
            PrintWriter out = spec.commandLine().getOut();
            StringBuilder header = new StringBuilder(String.format("%-16s %-12s", "attack", "bare metal"));
            COLUMNS.forEach(c -> header.append(String.format("  %-30s", c.title())));
            out.println(header.toString().stripTrailing());
            boolean allContained = true;
            List<String> evidence = new ArrayList<>();
            CellFailures failures = new CellFailures();
            for (Attack attack : Attack.all()) {
                StringBuilder row = new StringBuilder(String.format("%-16s %-12s", attack.id(), bareMetal(attack)));
                for (Column column : COLUMNS) {
                    String cell;
                    try {
                        CpuTechnique cpu = techniques.cpu(column.cpu())
                                .orElseThrow(() -> new UserError("no CPU technique '" + column.cpu() + "'"));
                        MemoryTechnique memory = techniques.memory(column.memory())
                                .orElseThrow(() -> new UserError("no memory technique '" + column.memory() + "'"));
                        Containment.Verdict v = Containment.check(attack, column.isa(), cpu::create, memory::create);
                        cell = v.contained() ? "contained" : "NOT CONTAINED";
                        allContained &= v.contained();
                        if (!v.contained()) {
                            evidence.add(attack.id() + " under " + column.title() + ": " + v.evidence());
                        }
                    } catch (UserError noSuchTechnique) {
                        cell = "not available";
                    } catch (RuntimeException | LinkageError | StackOverflowError e) {
                        CellFailures.Cell failed = failures.thrown(column.title(), attack.id(), e);
                        cell = failed.text();
                        allContained &= failed.status() == CellStatus.NOT_WRITTEN;
                    }
                    row.append(String.format("  %-30s", cell));
                }
                out.println(row.toString().stripTrailing());
                out.flush();
            }
            evidence.forEach(out::println);
            failures.report(out, spec.commandLine().getErr());
            return failures.labBug() ? Vmlab.USAGE : allContained ? 0 : 1;
        }

        /** What the attack achieves on a bare machine holding the secret. */
        private static String bareMetal(Attack attack) {
            AttackSetup setup = AttackSetup.DEFAULT;
            Machine machine = new Machine(Attacks.bareMetal(setup));
            Attacks.boot(machine, attack, setup);
            return attack.outcome(machine.run()) == Attack.Outcome.SUCCEEDED ? "succeeded" : "failed";
        }
    }
}
