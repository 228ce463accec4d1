package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmlab demo}: every toyos workload on bare metal, then in a VM under each technique, with
 * the slowdown and the equivalence verdict: the lecture's story in one table.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Every toyos workload on bare metal and in a VM under each technique.",
        description = {"Run every toyos workload on the bare machine, then in a VM under each CPU technique",
                "(with shadow paging; paravirtualization with its paravirtual MMU, running the paravirtual",
                "build of toyos): the slowdown in simulated cycles and whether the run was equivalent to",
                "bare metal (the paravirtual kernel observably, against the native one). Trap-and-emulate",
                "on the legacy ISA is expected to diverge.",
                "A bare-metal row is 'ok' when the console output is the workload's expected output.",
                "--svg draws the slowdown of each workload under each technique (log scale).",
                "Exit code 0 if all is as the lecture says, 1 if not, 2 if lab code threw: its cells say",
                "'lab bug', and the bug is told below the table, where in the lab's classes it was thrown."})
final class DemoCommand implements Callable<Integer> {
    /**
     * A CPU technique with a memory technique on an ISA, and whether it is meant to be faithful
     * there; the title names the memory technique where a CPU technique runs with more than one.
     */
    private record Column(String name, String cpu, String memory, IsaVariant isa, boolean faithful) {
        String title() {
            return name + "/" + isa.name();
        }
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("trap-emulate", "trap-emulate", "shadow", IsaVariant.CLASSIC, true),
            new Column("binary-translation", "binary-translation", "shadow", IsaVariant.LEGACY, true),
            new Column("trap-emulate", "trap-emulate", "shadow", IsaVariant.LEGACY, false),
            new Column("paravirt", "paravirt", "pv-mmu", IsaVariant.LEGACY, true),
            new Column("hardware+shadow", "hardware", "shadow", IsaVariant.LEGACY, true),
            new Column("hardware+nested", "hardware", "nested", IsaVariant.LEGACY, true));

    /** The width of a VM's column: its title, or its cell ("19.52x  98.18% DIVERGED"). */
    private static final int CELL = 26;

    /** Marks a cell measured on identity paging, shadow paging (Lab 3) not being written yet. */
    static final String ON_IDENTITY_PAGING = "*";

    @Spec
    CommandSpec spec;

    @Mixin
    ImplOption impl;

    @Option(names = "--bare", description = "Bare metal only: no VMs.")
    boolean bareOnly;

    @Mixin
    ResultOptions results;

    @Override
    public Integer call() {
        results.check();
        if (bareOnly && results.chartWanted()) {
            throw new UserError("--svg charts the slowdown in VMs, which --bare leaves out: drop one of them");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter out = results.table(stdout);
        Image kernel = Toyos.image(Toyos.Flavor.NATIVE);
        Techniques techniques = bareOnly ? null : impl.techniques();
        List<Column> columns = bareOnly ? List.of() : COLUMNS;
        Progress progress = results.progress(spec.commandLine().getErr(), "demo",
                Toyos.workloads().size() * (1 + columns.size()));
        String row = "%-10s %-6s %13s %14s";
        out.println("toyos on bare metal" + (bareOnly ? "" : ", and in a VM: slowdown in simulated cycles, share of"
                + "\ninstructions run directly, and equivalence to bare metal (with shadow paging; paravirt: the"
                + "\nparavirtual toyos on pv-mmu, observably equivalent to the native one; hardware: VT-x with"
                + "\nshadow paging, and with nested paging)"));
        out.println();
        StringBuilder header = new StringBuilder(String.format(row, "workload", "bare", "instructions", "cycles"));
        columns.forEach(c -> header.append(String.format("  %-" + CELL + "s", c.title())));
        out.println(header.toString().stripTrailing());
        CellFailures failures = new CellFailures();
        boolean allOk = true;
        boolean unwritten = false;
        boolean onIdentityPaging = false;
        List<DemoData.Workload> rows = new ArrayList<>();
        for (String workload : Toyos.workloads()) {
            progress.step(workload + " on bare metal");
            RunResult classic = bare(kernel, workload, IsaVariant.CLASSIC);
            boolean ok = classic.stopReason().isClean() && classic.console().equals(Toyos.expectedOutput(workload));
            allOk &= ok;
            StringBuilder line = new StringBuilder(String.format(row, workload, ok ? "ok" : "WRONG",
                    String.format("%,d", classic.instructions()), String.format("%,d", classic.cycles())));
            List<DemoData.Vm> cells = columns.parallelStream()
                    .map(c -> {
                        progress.step(workload + " under " + c.title());
                        return cell(techniques, failures, c, kernel, workload, c.isa() == IsaVariant.CLASSIC
                                ? classic : bare(kernel, workload, c.isa()));
                    })
                    .toList();
            for (int i = 0; i < cells.size(); i++) {
                DemoData.Vm cell = cells.get(i);
                unwritten |= cell.status() == CellStatus.NOT_WRITTEN;
                onIdentityPaging |= "identity".equals(cell.memory());
                allOk &= cell.status() == CellStatus.MEASURED
                        ? columns.get(i).faithful() == Boolean.TRUE.equals(cell.equivalent())
                        : cell.status() == CellStatus.NOT_WRITTEN;
                line.append(String.format("  %-" + CELL + "s", cell.text()));
            }
            progress.clear();
            out.println(line.toString().stripTrailing());
            out.flush();
            rows.add(new DemoData.Workload(workload, ok ? "ok" : "WRONG", classic.instructions(), classic.cycles(),
                    cells));
        }
        out.println();
        out.println(allOk ? "Every workload printed its expected output"
                + (bareOnly ? "." : unwritten ? "; the VMM's columns wait for your labs (\"not written\")."
                        : ", and every technique behaved as the lecture says.")
                : "Something is off: look at a workload with 'vmlab run toyos --workload NAME [--cpu ...]'.");
        if (onIdentityPaging) {
            out.println("* on identity paging (no memory virtualization): shadow paging, Lab 3, is not written yet.");
        }
        if (!bareOnly) {
            out.println("trap-emulate/legacy diverges because, without trapping, popf in ring 1 ignores IF and pushf shows ring 1; see where with");
            out.println("  vmlab run toyos --workload disk --cpu trap-emulate --isa legacy --lockstep");
        }
        out.flush();
        failures.report(stdout, spec.commandLine().getErr());
        DemoData data = new DemoData("vmlab demo", DemoData.FORMAT, DemoData.UNITS, new DemoData.Configuration(
                bareOnly ? null : impl.chosen().name(), bareOnly ? null : "shadow", IsaVariant.CLASSIC.name(), Toyos.FUEL,
                columns.stream().map(c -> new DemoData.Technique(c.title(), c.cpu(), c.memory(), c.isa().name(), c.faithful()))
                        .toList()), rows, allOk);
        results.write(data, data::chart, stdout);
        return failures.labBug() ? Vmlab.USAGE : allOk ? 0 : 1;
    }

    private static RunResult bare(Image kernel, String workload, IsaVariant isa) {
        Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(Toyos.FUEL).build());
        Toyos.boot(machine, kernel, workload);
        return machine.run();
    }

    /**
     * One cell: the workload in a VM with {@code column}'s CPU technique and shadow paging. Where
     * shadow paging (Lab 3) is not written yet, the VM runs on identity paging instead, so that the
     * CPU labs show on their own; the cell then ends in {@value #ON_IDENTITY_PAGING}.
     */
    private static DemoData.Vm cell(Techniques techniques, CellFailures failures, Column column, Image kernel,
            String workload, RunResult bare) {
        CpuTechnique cpu = techniques.cpu(column.cpu()).orElse(null);
        MemoryTechnique memory = techniques.memory(column.memory()).orElse(null);
        if (cpu == null || memory == null) {
            return unmeasured(column, new CellFailures.Cell(CellStatus.NOT_AVAILABLE, "not available", null));
        }
        try {
            return measured(failures, cpu, memory, column.memory(), column, kernel, workload, bare);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            String notWritten = LabCode.notWrittenCell(e);
            MemoryTechnique direct = techniques.memory("identity").orElse(null);
            if (notWritten == null || !notWritten.contains("lab3") || direct == null) {
                return unmeasured(column, failures.thrown(column.title(), workload, e));
            }
            try {
                return measured(failures, cpu, direct, "identity", column, kernel, workload, bare);
            } catch (RuntimeException | LinkageError | StackOverflowError again) {
                return unmeasured(column, failures.thrown(column.title(), workload, again));
            }
        }
    }

    private static DemoData.Vm measured(CellFailures failures, CpuTechnique cpu, MemoryTechnique memory,
            String memoryName, Column column, Image kernel, String workload, RunResult bare) {
        // A paravirtual technique runs the paravirtual build, compared observably with the native one.
        Image guest = cpu.paravirtual() ? Toyos.image(Toyos.Flavor.PARAVIRT) : kernel;
        Equivalence.Level level = cpu.paravirtual() ? Equivalence.Level.OBSERVABLE : Equivalence.Level.EXACT;
        RunResult virtual = SingleVm.run(cpu, memory, column.isa(), Toyos.FUEL, vm -> Toyos.boot(vm, guest, workload));
        if (virtual.stopReason() == StopReason.MONITOR_ERROR) {
            failures.note(column.title(), workload, "the VMM stopped the VM for an error of its own: "
                    + virtual.stopDetail());
        }
        Equivalence.Verdict verdict = Equivalence.compare(bare, virtual, level);
        double direct = 100.0 * virtual.counters().get("instructions.direct") / Math.max(1, virtual.instructions());
        return new DemoData.Vm(column.title(), CellStatus.MEASURED, memoryName, virtual.cycles(), bare.cycles(),
                (double) virtual.cycles() / Math.max(1, bare.cycles()), direct, verdict.equivalent(), null, null);
    }

    private static DemoData.Vm unmeasured(Column column, CellFailures.Cell cell) {
        return new DemoData.Vm(column.title(), cell.status(), null, null, null, null, null, null, cell.text(),
                cell.error());
    }
}
