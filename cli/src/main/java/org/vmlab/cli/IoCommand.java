package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.vmlab.guests.Attack;
import org.vmlab.guests.Lmbench;
import org.vmlab.guests.Lmbenchmark;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmlab experiment io}: the lecture's device models side by side. A 4 KiB disk read and a
 * 64-byte network round trip, as toyos programs, natively and in a VM under each device model and
 * hosting model: what one operation costs in cycles, in exits to the VMM, in trips to where device
 * work runs, and in notifications.
 */
@Command(name = "io", mixinStandardHelpOptions = true,
        header = "The device models side by side: what one disk read and one network round trip cost.",
        description = {"A 4 KiB disk read (lat_disk) and a 64-byte round trip to the echo peer (lat_net), toyos",
                "programs, natively and in a VM under each device model: hypervisor-direct emulation, with",
                "its device model in a driver domain (bare-metal) or a host process (hosted); passthrough",
                "(the real devices assigned to the VM, DMA through the IOMMU); and the split driver (the",
                "paravirtual toyos's front ends) with its back end in a driver domain or a host process.",
                "Under full virtualization (toyos unmodified, trap-emulate and shadow paging) and, where",
                "the implementation has them, paravirtualization (the paravirtual toyos, paravirt and",
                "pv-mmu), so that the device models compare under one CPU technique.",
                "Each figure is per operation: (count over 2N iterations - count over N) / N, so boot and",
                "power-off cancel. Every run is checked against bare metal: exactly, or at the observable",
                "level for the paravirtual kernel.",
                "--svg draws the cycles per operation of each model (log scale).",
                "Then the DMA escape: a VM given the disk aims its DMA at another VM's secret, with the",
                "IOMMU off (it escapes) and on (it is blocked, and the IOMMU logs the fault).",
                "Exit code 0, 1 if a run failed or was not equivalent or the IOMMU let DMA escape, 2 if",
                "lab code threw."})
final class IoCommand implements Callable<Integer> {
    private static final IsaVariant ISA = IsaVariant.CLASSIC;

    /** A device model under a hosting model, with the CPU and memory techniques and the kernel it runs. */
    record Model(String title, String devices, Hosting hosting, String cpu, String memory, Supplier<Image> kernel,
                 Equivalence.Level level, boolean always) {
    }

    private static final List<Model> MODELS = List.of(
            full("full: emulated, bare-metal", "emulated", Hosting.BARE_METAL),
            full("full: emulated, hosted", "emulated", Hosting.HOSTED),
            full("full: passthrough", "passthrough", Hosting.HOSTED),
            paravirtual("pv: emulated, bare-metal", "emulated", Hosting.BARE_METAL, Toyos.Drivers.EMULATED),
            paravirtual("pv: emulated, hosted", "emulated", Hosting.HOSTED, Toyos.Drivers.EMULATED),
            paravirtual("pv: passthrough", "passthrough", Hosting.HOSTED, Toyos.Drivers.EMULATED),
            paravirtual("pv: split, bare-metal", "split", Hosting.BARE_METAL, Toyos.Drivers.SPLIT),
            paravirtual("pv: split, hosted", "split", Hosting.HOSTED, Toyos.Drivers.SPLIT));

    /** Full virtualization: the unmodified toyos under trap-and-emulate and shadow paging. */
    private static Model full(String title, String devices, Hosting hosting) {
        return new Model(title, devices, hosting, "trap-emulate", "shadow", () -> Toyos.image(Toyos.Flavor.NATIVE),
                Equivalence.Level.EXACT, true);
    }

    /**
     * Paravirtualization: the paravirtual toyos (with the split drivers' front ends, or its
     * drivers of the emulated devices) under paravirt and pv-mmu, where the implementation has them.
     */
    private static Model paravirtual(String title, String devices, Hosting hosting, Toyos.Drivers drivers) {
        return new Model(title, devices, hosting, "paravirt", "pv-mmu", () -> Toyos.image(Toyos.Flavor.PARAVIRT, drivers),
                Equivalence.Level.OBSERVABLE, false);
    }

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "50",
            converter = Converters.LmbenchIterations.class,
            description = "Iterations of each program in the shorter run, 1..1000 (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Mixin
    ImplOption impl;

    @Mixin
    ResultOptions results;

    @Override
    public Integer call() {
        results.check();
        Techniques techniques = impl.techniques();
        List<Model> models = MODELS.stream().filter(m -> m.always() || installed(techniques, m)).toList();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter out = results.table(stdout);
        Progress progress = results.progress(spec.commandLine().getErr(), "io",
                Lmbenchmark.io().size() * (1 + models.size()));
        out.printf("per operation, N = %d: simulated cycles and their ratio to native, exits to the VMM, trips"
                + " to where device work runs, event-channel notifications%n%n", iterations);
        out.printf("%-10s %-26s %12s %7s %7s %7s %7s  %s%n", "benchmark", "model", "cycles", "ratio", "exits",
                "trips", "notify", "equivalence");
        CellFailures failures = new CellFailures();
        List<IoData.Operation> operations = new ArrayList<>();
        boolean allEquivalent = true;
        for (Lmbenchmark bench : Lmbenchmark.io()) {
            progress.step(bench.id() + " natively");
            Measurement nativeRun = measure(bench, iterations, (line, fuel) -> bareMetal(line, fuel));
            out.printf("%-10s %-26s %,12.0f %7s %7.1f%n", bench.id(), "native", nativeRun.cycles(), "1.0x", 0.0);
            List<IoData.Model> cells = models.parallelStream()
                    .map(m -> cell(failures, techniques, m, bench, nativeRun, progress)).toList();
            progress.clear();
            for (IoData.Model c : cells) {
                allEquivalent &= c.status() != CellStatus.MEASURED || c.equivalence().startsWith("equivalent");
                out.println(row(bench, c));
            }
            out.println();
            out.flush();
            operations.add(new IoData.Operation(bench.id(), bench.description(), nativeRun.cycles(), cells));
        }
        List<IoData.Ring> rings = rings(out, techniques, failures);
        out.println();
        List<IoData.Escape> escapes = dmaEscapes(out, techniques, failures);
        out.println();
        out.println("full: toyos unmodified, trap-emulate and shadow paging, checked exactly against bare metal;");
        out.println("pv: the paravirtual toyos, paravirt and pv-mmu, checked at the observable level. Emulation");
        out.println("exits at every device register access and pays a trip to its device model; passthrough");
        out.println("exits only for what stays emulated (the interrupt controller); the split driver pays a");
        out.println("hypercall and a trip per notification, and suppresses the notifications the other side");
        out.println("does not need. docs/vmm.md (\"Devices\") and docs/cost-model.md give the costs.");
        out.flush();
        failures.report(stdout, spec.commandLine().getErr());
        IoData data = new IoData("vmlab experiment io", IoData.FORMAT, IoData.UNITS,
                new IoData.Configuration(LmbenchCommand.CLOCK_HZ, impl.chosen().name(), ISA.name(), iterations),
                operations, rings, escapes);
        results.write(data, data::chart, stdout);
        boolean contained = escapes.stream().noneMatch(e -> e.withIommu().startsWith("ESCAPED"));
        return failures.labBug() ? Vmlab.USAGE : failures.any() || !allEquivalent || !contained ? 1 : 0;
    }

    /**
     * The split driver's rings: toyos's disk and net workloads (6 disk requests; 8 frames sent in
     * a burst and their 8 echoes) with notification suppression on and off, and with smaller
     * network rings: notifications per request, and whether the workload still ran as it should.
     */
    private static List<IoData.Ring> rings(PrintWriter out, Techniques techniques, CellFailures failures) {
        List<IoData.Ring> rows = new ArrayList<>();
        java.util.Optional<DeviceTechnique> split = techniques.devices("split");
        java.util.Optional<CpuTechnique> cpu = techniques.cpu("paravirt");
        java.util.Optional<MemoryTechnique> memory = techniques.memory("pv-mmu");
        if (split.isEmpty() || cpu.isEmpty() || memory.isEmpty()) {
            out.println("split rings: not available (the implementation has no split, paravirt or pv-mmu)");
            return rows;
        }
        out.println("The split driver's rings (pv, hosted), over toyos's whole disk and net workloads: notifications");
        out.println("each way per request, with io/ring.h's notification suppression and without, and smaller rings:");
        out.printf("%-10s %-26s %9s %9s %9s %9s  %s%n", "workload", "rings", "requests", "to back", "to front",
                "dropped", "outcome");
        for (String workload : List.of("disk", "net")) {
            for (SplitRings.Setting setting : SplitRings.SETTINGS) {
                if (workload.equals("disk") && setting.ringSize() != 16) {
                    continue;   // the network's rings only: the block ring keeps its size
                }
                IoData.Ring row = SplitRings.run(workload, setting, cpu.get(), memory.get(), split.get(), failures);
                rows.add(row);
                out.printf("%-10s %-26s %9s %9s %9s %9s  %s%n", workload, setting.title(),
                        row.requests() == null ? "-" : row.requests(),
                        row.notificationsIn() == null ? "-" : String.format("%.2f", row.notificationsIn()),
                        row.notificationsOut() == null ? "-" : String.format("%.2f", row.notificationsOut()),
                        row.dropped() == null ? "-" : row.dropped(), row.outcome());
            }
        }
        return rows;
    }

    /**
     * The DMA escape: the assigned disk aimed at another VM's secret, without the IOMMU and with
     * it (the implementation's passthrough, with its I/O page tables).
     */
    private static List<IoData.Escape> dmaEscapes(PrintWriter out, Techniques techniques, CellFailures failures) {
        out.println("DMA from the assigned disk, aimed at another VM's secret (trap-emulate, shadow paging):");
        out.printf("%-10s  %-52s  %s%n", "attack", "without the IOMMU", "with the IOMMU");
        List<IoData.Escape> escapes = new ArrayList<>();
        for (Attack attack : List.of(Attack.DMA_READ, Attack.DMA_WRITE)) {
            String without;
            String with;
            try {
                CpuTechnique cpu = techniques.cpu("trap-emulate").orElseThrow(() -> new UserError("no trap-emulate"));
                MemoryTechnique memory = techniques.memory("shadow").orElseThrow(() -> new UserError("no shadow"));
                without = DmaEscape.unconfined(attack, cpu, memory).describe();
                DeviceTechnique passthrough = techniques.devices("passthrough")
                        .orElseThrow(() -> new UserError("no passthrough"));
                with = DmaEscape.run(attack, cpu, memory, passthrough.create(Hosting.HOSTED)).describe();
            } catch (UserError missing) {
                without = "not available";
                with = "not available";
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                without = failures.thrown("passthrough", attack.id(), e).text();
                with = without;
            }
            out.printf("%-10s  %-52s  %s%n", attack.id(), without, with);
            escapes.add(new IoData.Escape(attack.id(), without, with));
        }
        return escapes;
    }

    private static boolean installed(Techniques techniques, Model m) {
        return techniques.cpu(m.cpu()).isPresent() && techniques.memory(m.memory()).isPresent()
                && techniques.devices(m.devices()).isPresent();
    }

    private static String row(Lmbenchmark bench, IoData.Model c) {
        if (c.status() != CellStatus.MEASURED) {
            return String.format("%-10s %-26s %s", bench.id(), c.model(), c.detail());
        }
        return String.format("%-10s %-26s %,12.0f %7s %7.1f %7.1f %7s  %s", bench.id(), c.model(), c.cycles(),
                c.ratio() == null ? "-" : String.format("%.1fx", c.ratio()), c.exits(), c.trips(),
                c.notifications() == null ? "-" : String.format("%.1f", c.notifications()), c.equivalence());
    }

    private IoData.Model cell(CellFailures failures, Techniques techniques, Model m, Lmbenchmark bench,
            Measurement nativeRun, Progress progress) {
        CellFailures.Cell failed;
        try {
            progress.step(bench.id() + " under " + m.title());
            CpuTechnique cpu = techniques.cpu(m.cpu()).orElseThrow(() -> new UserError("no technique " + m.cpu()));
            MemoryTechnique memory = techniques.memory(m.memory())
                    .orElseThrow(() -> new UserError("no technique " + m.memory()));
            DeviceTechnique devices = techniques.devices(m.devices())
                    .orElseThrow(() -> new UserError("no technique " + m.devices()));
            Image kernel = m.kernel().get();
            Measurement vm = measure(bench, iterations, (line, fuel) -> virtual(cpu, memory, devices, m.hosting(),
                    kernel, line, fuel));
            Equivalence.Verdict verdict = Equivalence.compare(nativeRun.twice(), vm.twice(), m.level());
            String equivalence = verdict.equivalent() ? "equivalent (" + m.level().name().toLowerCase(
                    java.util.Locale.ROOT) + ")" : "NOT EQUIVALENT: " + String.join("; ", verdict.differences());
            return new IoData.Model(m.title(), m.devices(), m.hosting().spelling(), m.cpu(), m.memory(),
                    CellStatus.MEASURED, vm.cycles(), vm.exits(), vm.trips(),
                    vm.notifications() == 0 && !m.devices().equals("split") ? null : vm.notifications(),
                    nativeRun.cycles() > 0 ? vm.cycles() / nativeRun.cycles() : null, equivalence, null);
        } catch (Lmbench.Failed e) {
            failed = failures.failed(m.title(), bench.id(), e.getMessage());
        } catch (UserError noSuchTechnique) {
            failed = new CellFailures.Cell(CellStatus.NOT_AVAILABLE, "not available", null);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            failed = failures.thrown(m.title(), bench.id(), e);
        }
        return new IoData.Model(m.title(), m.devices(), m.hosting().spelling(), m.cpu(), m.memory(), failed.status(),
                null, null, null, null, null, null, failed.text());
    }

    /** Per-operation differences between a run of N iterations and one of 2N, and the longer run. */
    record Measurement(double cycles, double exits, double trips, double notifications, RunResult twice) {
    }

    private static Measurement measure(Lmbenchmark bench, int n, Lmbench.Runner runner) {
        RunResult once = Lmbench.run(bench, n, runner);
        RunResult twice = Lmbench.run(bench, 2 * n, runner);
        return new Measurement(per(twice.cycles() - once.cycles(), n),
                per(exits(twice) - exits(once), n),
                per(trips(twice) - trips(once), n),
                per(notifications(twice) - notifications(once), n), twice);
    }

    private static double per(long amount, int n) {
        return (double) amount / n;
    }

    private static long exits(RunResult run) {
        return sum(run.counters(), k -> k.startsWith("exit."));
    }

    private static long trips(RunResult run) {
        return sum(run.counters(), k -> k.equals("vmm.driver_domain_switch") || k.equals("vmm.host_process_switch"));
    }

    private static long notifications(RunResult run) {
        return sum(run.counters(), k -> k.endsWith(".notify.in") || k.endsWith(".notify.out"));
    }

    private static long sum(Map<String, Long> counters, java.util.function.Predicate<String> which) {
        return counters.entrySet().stream().filter(e -> which.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    private static RunResult bareMetal(String commandLine, long fuel) {
        Machine machine = new Machine(MachineConfig.builder().isa(ISA).fuel(fuel).build());
        Toyos.boot(machine, Toyos.image(Toyos.Flavor.NATIVE), commandLine);
        return machine.run();
    }

    private static RunResult virtual(CpuTechnique cpu, MemoryTechnique memory, DeviceTechnique devices,
            Hosting hosting, Image kernel, String commandLine, long fuel) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(ISA).memoryBytes(SingleVm.machineBytes(memory, 1))
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm").withFuel(fuel), cpu.create(), memory.create(),
                devices.create(hosting));
        Toyos.boot(vm, kernel, commandLine);
        return vm.run();
    }
}
