package org.vmlab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.MemoryDifference;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.snapshot.Snapshot;
import org.vmlab.vmm.snapshot.SnapshotFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vmlab restore}: put a VM saved by {@code vmlab snapshot} back on a fresh host and run it to the end. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        header = "Restore a VM from a snapshot file on a fresh host and run it to the end.",
        description = {"Read FILE (written by 'vmlab snapshot'), check it, build a fresh host and VM,",
                "put the VM's pages, vCPU and devices back, and run the guest to the end: print",
                "its console output (from its start: the console is part of the snapshot), then",
                "a summary. The VM runs under the techniques it was taken under, or others",
                "(--cpu, --mem), which rebuild their tables, translations and VMCS from the",
                "guest's state alone. --compare also runs the guest on bare metal from its",
                "start and checks exact equivalence.",
                "Exit code 0 if the guest halted by itself, 2 for a mistake (a file missing, not",
                "a snapshot, of another version, truncated or corrupted), 3 if it was stopped,",
                "4 if it diverged from bare metal (--compare).",
                "Examples: vmlab restore forkwait.snap",
                "          vmlab restore forkwait.snap --cpu hardware --mem nested --compare"})
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A snapshot file, as 'vmlab snapshot -o FILE' writes one.")
    Path file;

    @Option(names = "--cpu", paramLabel = "TECHNIQUE",
            description = "The CPU virtualization to restore under (default: the one it was taken under).")
    String cpuTechnique;

    @Option(names = "--mem", paramLabel = "TECHNIQUE",
            description = "The memory virtualization to restore under (default: the one it was taken under).")
    String memoryTechnique;

    @Option(names = "--compare",
            description = "Also run the guest on bare metal from its start, and check that the restored VM"
                    + " ends exactly as it does: stop, console, disk requests, frames, memory, registers,"
                    + " instructions and ticks.")
    boolean compare;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary, not the console output.")
    boolean quiet;

    @Mixin
    ImplOption impl;

    @Override
    public Integer call() {
        Snapshot snapshot = read(file);
        Snapshot.TechniqueNames taken = snapshot.techniques();
        IsaVariant isa = IsaVariant.named(snapshot.isa()).orElseThrow(() -> new UserError(file
                + ": taken on an ISA variant this vmlab does not know, '" + snapshot.isa() + "'"));
        TechniqueChoice techniques = new TechniqueChoice(impl);
        CpuTechnique cpu = techniques.cpu(cpuTechnique == null ? taken.cpu() : cpuTechnique);
        MemoryTechnique memory = techniques.memory(memoryTechnique == null ? taken.memory() : memoryTechnique);
        techniques.checkRuns(cpu, memory);
        DeviceTechnique devices = techniques.devices(taken.devices().isEmpty() ? null : taken.devices());
        Hosting hosting = TechniqueChoice.hosting(taken.hosting());
        TechniqueChoice.checkRuns(cpu, devices);

        VirtualMachine vm = SnapshotVm.create(cpu, memory, devices, hosting, isa, snapshot.config());
        vm.whyNotCapturable().ifPresent(why -> {
            throw new UserError("cannot restore under " + cpu.name() + " + " + memory.name() + ": " + why);
        });
        try {
            snapshot.restoreOnto(vm);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": the snapshot does not fit the VM it describes: " + e.getMessage());
        }
        RunResult result = vm.run();

        PrintWriter out = spec.commandLine().getOut();
        if (!quiet) {
            out.print(result.console());
            if (!result.console().isEmpty() && !result.console().endsWith("\n")) {
                out.println();
            }
        }
        Map<String, Long> c = result.counters();
        int pc = result.observables().cpu().pc();
        long restoredAt = snapshot.state().vcpu().instructions();
        out.println("---");
        out.printf("vm:           %s, %s + %s on %s%n", vm.name(), cpu.name(), memory.name(), isa.name());
        out.printf("restored:     %s: %s, taken under %s at %,d instructions%n", file, snapshot.guest().describe(),
                taken.describe(), restoredAt);
        out.printf("stopped:      %s at pc=0x%08x (%s)%n", result.stopReason(), pc, vm.symbols().describe(pc));
        if (!result.stopReason().isClean() && result.stopDetail() != null && !result.stopDetail().isEmpty()) {
            out.printf("detail:       %s%n", result.stopDetail());
        }
        out.printf("instructions: %,d, %,d since the restore, %.2f%% run directly%n", result.instructions(),
                result.instructions() - restoredAt,
                100.0 * c.get("instructions.direct") / Math.max(1, result.instructions()));
        out.printf("exits:        %,d since the restore: %s%n", vm.counters().totalExits(), VirtualizedRun.exits(vm));
        out.printf("vmm:          %s%n", VirtualizedRun.events(vm));
        out.printf("cycles:       %,d simulated since the restore%n", result.cycles());
        int code = result.stopReason().isClean() ? 0 : RunCommand.STOPPED;
        if (compare) {
            Machine bare = new Machine(MachineConfig.builder().isa(isa).fuel(snapshot.config().fuel()).build());
            SnapshotVm.boot(bare, snapshot.guest().program(), snapshot.guest().image(), snapshot.guest().workload());
            RunResult nativeRun = bare.run();
            Equivalence.Verdict verdict = Equivalence.compare(nativeRun, result, Equivalence.Level.EXACT);
            out.printf("equivalence:  %s%n", verdict.equivalent()
                    ? "equivalent to bare metal run from the start (" + verdict.level().checks() + ")"
                    : String.join("\n              ", verdict.differences()));
            if (!nativeRun.observables().memoryDigest().equals(result.observables().memoryDigest())) {
                MemoryDifference.first(bare, vm).ifPresent(m -> out.printf("              %s%n", m.describe()));
            }
            if (!verdict.equivalent()) {
                code = VirtualizedRun.DIVERGED;
            }
        }
        out.flush();
        return code;
    }

    /** The snapshot in {@code file}, or a {@link UserError} saying why there is none. */
    static Snapshot read(Path file) {
        if (Files.isDirectory(file)) {
            throw new UserError(file + " is a folder, not a snapshot file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return SnapshotFile.read(in);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (SnapshotFile.Unreadable e) {
            throw new UserError(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UserError(file + ": cannot read it: " + e.getMessage());
        }
    }
}
