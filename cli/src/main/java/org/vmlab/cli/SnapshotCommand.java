package org.vmlab.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.Hosting;
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

/** {@code vmlab snapshot}: run a guest in a VM to an instruction, and save the VM in a file. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        header = "Run a guest in a VM to an instruction and save the VM in a snapshot file.",
        description = {"Run a guest in a VM (trap-emulate + shadow unless --cpu and --mem say",
                "otherwise) to instruction N (--at), let it settle (a few instructions more if",
                "a technique holds an event in flight), and write its program, configuration,",
                "vCPU, devices and pages to FILE (-o); print what was written. 'vmlab restore",
                "FILE' goes on from there on a fresh host, under the same techniques or others.",
                "docs/snapshots.md describes the file. A technique that cannot be captured",
                "(paravirt, pv-mmu, identity, passthrough, split) says why.",
                "Exit code 0 if written, 2 for a mistake on the command line.",
                "Examples: vmlab snapshot toyos -w forkwait --at 1M -o forkwait.snap",
                "          vmlab snapshot toyos -w disk --cpu hardware --mem nested \\",
                "                --at 500k -o disk.snap"})
final class SnapshotCommand implements Callable<Integer> {
    /** The most instructions a VM runs past --at to settle before it is refused. */
    static final long SETTLE_LIMIT = 1_000;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "GUEST", description = "toyos, FILE.s or FILE.img")
    String guest;

    @Option(names = {"-w", "--workload"}, paramLabel = "NAME",
            description = "The toyos workload: ${COMPLETION-CANDIDATES} (default: all).",
            completionCandidates = RunCommand.Workloads.class)
    String workload;

    @Option(names = "--at", paramLabel = "N", required = true, converter = Converters.Count.class,
            description = "Take the snapshot after N instructions of the guest (k, M and G count"
                    + " thousands, millions and billions); N must come before the guest stops.")
    long at;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "Where to write the snapshot (replaced if it exists).")
    String output;

    @Option(names = "--cpu", paramLabel = "TECHNIQUE", defaultValue = "trap-emulate",
            description = "The CPU virtualization: trap-emulate, binary-translation or hardware"
                    + " (default: ${DEFAULT-VALUE}).")
    String cpuTechnique;

    @Option(names = "--mem", paramLabel = "TECHNIQUE", defaultValue = "shadow",
            description = "The memory virtualization: shadow, or nested with --cpu hardware"
                    + " (default: ${DEFAULT-VALUE}).")
    String memoryTechnique;

    @Option(names = "--devices", paramLabel = "MODEL",
            description = "How the VM reaches its disk and network interface: emulated (a device model"
                    + " that exits on every access). Left out: the VMM emulates the devices itself.")
    String deviceModel;

    @Option(names = "--hosting", paramLabel = "MODEL", defaultValue = "hosted",
            description = "With --devices: where device work runs: bare-metal or hosted (default: ${DEFAULT-VALUE}).")
    String hostingModel;

    @Option(names = "--isa", paramLabel = "VARIANT", converter = Converters.Isa.class,
            defaultValue = "classic", description = "ISA variant of the host: classic or legacy (default: ${DEFAULT-VALUE}).")
    IsaVariant isa;

    @Option(names = "--fuel", paramLabel = "N", converter = Converters.Fuel.class, defaultValue = "100M",
            description = "The VM stops after N instructions, 1..10G, counted from its start also after a"
                    + " restore (default: ${DEFAULT-VALUE}).")
    long fuel;

    @Mixin
    ImplOption impl;

    @Override
    public Integer call() {
        if (workload != null && !guest.equals(Programs.TOYOS)) {
            throw new UserError("--workload applies to toyos only");
        }
        String line = workload == null ? (guest.equals(Programs.TOYOS) ? "all" : "") : workload;
        if (guest.equals(Programs.TOYOS) && !Toyos.workloads().contains(line)) {
            throw new UserError("unknown workload '" + line + "' (expected one of: "
                    + String.join(", ", Toyos.workloads()) + ")");
        }
        Path file = OutputPlace.checkResultFile("-o", output);
        if (given("--hosting") && deviceModel == null) {
            throw new UserError("--hosting says where a device model's work runs: add --devices emulated");
        }
        TechniqueChoice techniques = new TechniqueChoice(impl);
        CpuTechnique cpu = techniques.cpu(cpuTechnique);
        MemoryTechnique memory = techniques.memory(memoryTechnique);
        techniques.checkRuns(cpu, memory);
        DeviceTechnique devices = techniques.devices(deviceModel);
        Hosting hosting = TechniqueChoice.hosting(hostingModel);
        TechniqueChoice.checkRuns(cpu, devices);
        Snapshot.TechniqueNames names = new Snapshot.TechniqueNames(cpu.name(), memory.name(),
                devices == null ? "" : devices.name(), hosting.spelling());

        VirtualMachine vm = SnapshotVm.create(cpu, memory, devices, hosting, isa,
                org.vmlab.vmm.VmConfig.named("vm").withFuel(fuel));
        vm.whyNotCapturable().ifPresent(why -> {
            throw new UserError(why);
        });
        Image image = Programs.load(guest, Toyos.Flavor.NATIVE, Map.of());
        SnapshotVm.boot(vm, guest, image, line);
        Snapshot.Guest program = new Snapshot.Guest(guest, line, image);
        vm.switchIn();
        vm.runSlice(at);
        vm.switchOut();
        if (vm.stopped()) {
            throw new UserError("--at " + at + ": " + program.describe() + " stopped (" + vm.vcpu().state().stopReason()
                    + ") after " + String.format("%,d", vm.vcpu().instructions())
                    + " instructions: give --at below that");
        }
        Snapshot snapshot;
        try {
            snapshot = Snapshot.take(vm, program, isa.name(), names, SETTLE_LIMIT);
        } catch (VirtualMachine.NotCapturable e) {
            throw new UserError(e.getMessage());
        }
        if (snapshot.state().vcpu().stopReason() != null) {
            throw new UserError("--at " + at + ": " + program.describe() + " stopped while it settled, after "
                    + String.format("%,d", snapshot.state().vcpu().instructions()) + " instructions: give --at below that");
        }
        long bytes = write(snapshot, file);

        PrintWriter out = spec.commandLine().getOut();
        out.printf("snapshot:     %s, %s under %s on %s%n", output, program.describe(), names.describe(), isa.name());
        out.printf("taken at:     %,d instructions (%,d asked, %,d more to settle), %,d ticks%n",
                snapshot.state().vcpu().instructions(), at, snapshot.state().vcpu().instructions() - at,
                snapshot.state().vcpu().ticks());
        out.printf("pages:        %,d of %,d guest frames backed, %,d ballooned%n",
                snapshot.pages().backedFrames(), snapshot.pages().frames(), snapshot.pages().ballooned().length);
        out.printf("devices:      %,d events pending, %,d disk requests and %,d frames done%n",
                snapshot.state().devices().clock().pending().size(), snapshot.state().devices().disk().requests().size(),
                snapshot.state().devices().nic().frames().size());
        out.printf("written:      %,d bytes, format version %d%n", bytes, SnapshotFile.VERSION);
        out.flush();
        return 0;
    }

    /** Writes {@code snapshot} to {@code file} through a file beside it, so that a failure leaves no half file. */
    private static long write(Snapshot snapshot, Path file) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                SnapshotFile.write(snapshot, out);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            return Files.size(file);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the error below is the one to report
            }
            throw new UserError("cannot write the snapshot " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserError("cannot write the snapshot: " + e.getMessage());
        }
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }
}
