package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
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
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.overcommit.PageSharingScanner;
import org.vmlab.vmm.VirtualMachine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vmlab run}: boot a guest on the bare machine and report what it did. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Run a guest on bare metal, or in VMs under the VMM beside bare metal.",
        description = {"Run a guest on the simulated machine, or in VMs under a VMM (--cpu): print its",
                "console output, then a summary. Under a VMM the guest also runs on bare metal, and the",
                "summary compares the two: equivalence, share run directly, slowdown in simulated cycles.",
                "Exit code 0 if the guest halted by itself, 2 for a mistake on the command line or an",
                "exception from lab code (located in the lab's classes), 3 if it was stopped (fuel,",
                "triple fault), 4 if it diverged from bare metal (a VM stopped for the VMM's own error too).",
                "Examples: vmlab run toyos --workload syscall --isa legacy --fuel 50M",
                "          vmlab run toyos -w pagefault --cpu trap-emulate --mem shadow --vms 2",
                "          vmlab run toyos --cpu trap-emulate --vms 4 --page-sharing",
                "          vmlab run toyos --cpu trap-emulate --vms 4 --balloon --machine-frames 260"})
final class RunCommand implements Callable<Integer> {
    /** Exit code of a run the machine had to stop. */
    static final int STOPPED = 3;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "GUEST", description = "toyos, FILE.s or FILE.img")
    String guest;

    @Option(names = {"-w", "--workload"}, paramLabel = "NAME",
            description = "The toyos workload: ${COMPLETION-CANDIDATES} (default: all); or an lmbench"
                    + " program and its count, as \"lat_null 1000\" (vmlab experiment lmbench).",
            completionCandidates = Workloads.class)
    String workload;

    @Option(names = "--isa", paramLabel = "VARIANT", converter = Converters.Isa.class,
            defaultValue = "classic", description = "ISA variant: classic or legacy (default: ${DEFAULT-VALUE}).")
    IsaVariant isa;

    @Option(names = "--flavor", paramLabel = "FLAVOR", converter = Converters.Flavor.class,
            defaultValue = "native", description = "toyos kernel flavor: native or paravirt (the paravirtual"
                    + " kernel, which runs only under --cpu paravirt and is its default there; default: ${DEFAULT-VALUE}).")
    Toyos.Flavor flavor;

    @Option(names = "--fuel", paramLabel = "N", converter = Converters.Fuel.class,
            defaultValue = "100M", description = "Stop after N instructions, 1..10G; k, M and G count"
                    + " thousands, millions and billions (default: ${DEFAULT-VALUE}; the machine runs"
                    + " some 100M to 200M a second, billions in a hot loop on the compiled engine).")
    long fuel;

    @Option(names = "--memory", paramLabel = "MIB", defaultValue = "16", converter = Converters.MemoryMib.class,
            description = "RAM of the bare machine in MiB, 1..1024 (default: ${DEFAULT-VALUE}).")
    int memoryMib;

    @Option(names = "--tlb", paramLabel = "ENTRIES", defaultValue = "64", converter = Converters.TlbEntries.class,
            description = "TLB entries, a power of two up to 1048576, one per page of the address space"
                    + " (default: ${DEFAULT-VALUE}).")
    int tlbEntries;

    @Option(names = "-D", paramLabel = "NAME=VALUE", mapFallbackValue = "1",
            converter = {Converters.SymbolName.class, Converters.AsmNumber.class},
            description = "For a .s guest: define a symbol before assembling; VALUE is a number as the"
                    + " assembler writes one (16, 0x10, 0b10000, -1, 'A'; default 1).")
    Map<String, Integer> defines = new LinkedHashMap<>();

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary, not the console output.")
    boolean quiet;

    @Option(names = "--cpu", paramLabel = "TECHNIQUE",
            description = "Run in VMs under a VMM, with this CPU virtualization: trap-emulate,"
                    + " binary-translation, paravirt (a paravirtual kernel; with --mem pv-mmu), or hardware"
                    + " (the machine's VT feature, with shadow, nested or identity paging).")
    String cpuTechnique;

    @Option(names = "--mem", paramLabel = "TECHNIQUE", defaultValue = "shadow",
            description = "The VMM's memory virtualization (with --cpu): shadow, pv-mmu (Xen's direct"
                    + " paging, for a paravirtual kernel), nested (the processor's nested paging, EPT; with"
                    + " --cpu hardware), or identity (none: the guest's own page tables, one VM; formerly"
                    + " direct, still accepted; default: ${DEFAULT-VALUE}).")
    String memoryTechnique;

    @Option(names = "--devices", paramLabel = "MODEL",
            description = "With --cpu: how the VM reaches its disk and network interface: emulated (every"
                    + " register access exits to a device model), passthrough (the real devices assigned"
                    + " to the VM, DMA confined by the IOMMU) or split (a paravirtual kernel's front ends"
                    + " and a back end sharing rings; with --cpu paravirt). Left out: the VMM emulates the"
                    + " devices itself, in its own context.")
    String deviceModel;

    @Option(names = "--hosting", paramLabel = "MODEL", defaultValue = "hosted",
            description = "With --devices: where device work runs: bare-metal (a driver domain, as Xen's"
                    + " dom0) or hosted (a host process, as QEMU under KVM; default: ${DEFAULT-VALUE}).")
    String hostingModel;

    /** What identity paging was called before, accepted with a note. */
    static final String OLD_IDENTITY_NAME = "direct";

    @Option(names = "--vms", paramLabel = "N", defaultValue = "1", converter = Converters.Vms.class,
            description = "How many VMs run the guest side by side, 1..8 (with --cpu; default: ${DEFAULT-VALUE}).")
    int vms;

    @Option(names = "--page-sharing",
            description = "With --cpu: share identical pages between the VMs (and within each),"
                    + " copy-on-write, as VMware ESX does: a scanner hashes a few pages after every slice"
                    + " and maps pages of the same contents to one machine frame; each VM's summary counts"
                    + " pages scanned, shared, frames saved and copy-on-write breaks.")
    boolean pageSharing;

    @Option(names = "--scan-rate", paramLabel = "PAGES", converter = Converters.ScanRate.class,
            description = "With --page-sharing: pages the scanner hashes after every slice, 1..1024"
                    + " (default: " + PageSharingScanner.DEFAULT_PAGES_PER_SLICE + "); each costs the VMM"
                    + " PAGE_SCAN cycles.")
    Integer scanRate;

    @Option(names = "--balloon",
            description = "With --cpu: a memory policy for an overcommitted machine, as VMware ESX's:"
                    + " when free machine frames run low it asks the VMs' balloon drivers for frames"
                    + " back (the VM with the fewest shares per page first), then gives the page-sharing"
                    + " scanner extra passes (with --page-sharing); each VM's summary shows its balloon.")
    boolean balloon;

    @Option(names = "--machine-frames", paramLabel = "F", converter = Converters.MachineFrames.class,
            description = "With --cpu: the host machine's RAM in 4 KiB frames, 64..65536 (default: enough"
                    + " for every VM); fewer overcommits it.")
    Integer machineFrames;

    @Option(names = "--idle-tax", paramLabel = "RATE", converter = Converters.TaxRate.class,
            description = "With --balloon: the idle memory tax rate, 0..0.99 (ESX's default 0.75; default"
                    + " here: 0, plain proportional sharing): idle pages count more when choosing whom to"
                    + " reclaim from.")
    Double idleTax;

    @Option(names = "--lockstep",
            description = "With --cpu: run against bare metal instruction by instruction and report the"
                    + " first instruction after which the states differ.")
    boolean lockstep;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "With --cpu: write the VMM's exits, injections, translations and faults as a"
                    + " Chrome trace (JSON) that Perfetto or chrome://tracing shows as a timeline.")
    java.nio.file.Path trace;

    @Option(names = "--counters",
            description = "With --cpu: also print every counter of the techniques' own (hypercalls by name,"
                    + " entries validated, traces, translations, ...), below each VM's summary.")
    boolean counters;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Record the run for vmlab replay: the program, the machine, every input (the"
                    + " network peer's frames and their ticks, console input, the disk) and how it ended,"
                    + " as gzip-compressed JSON (docs/replay.md). With --cpu: one VM.")
    java.nio.file.Path record;

    @Option(names = "--migrate-at", paramLabel = "N", converter = MigratedRun.At.class,
            description = "With --cpu: move the VM live to another host at guest instruction N (k, M, G"
                    + " suffixes): pre-copy rounds over a gigabit link while it runs, then the stop-and-copy"
                    + " (docs/migration.md); prints each round's pages, the downtime, then the moved VM's"
                    + " summary against bare metal. One VM, shadow or nested paging.")
    Long migrateAt;

    @Mixin
    ImplOption impl;

    @Override
    public Integer call() {
        if (workload != null && !guest.equals(Programs.TOYOS)) {
            throw new UserError("--workload applies to toyos only");
        }
        if (workload != null && !Toyos.workloads().contains(workload) && !Lmbench.isCommandLine(workload)) {
            throw new UserError("unknown workload '" + workload + "' (expected one of: "
                    + String.join(", ", Toyos.workloads()) + "; or an lmbench program and its count, 0.."
                    + Lmbench.MAX_ITERATIONS + ", as \"lat_null 1000\": "
                    + String.join(", ", Lmbenchmark.programs().stream().map(Lmbenchmark::id).toList()) + ")");
        }
        if (given("--flavor") && !guest.equals(Programs.TOYOS)) {
            throw new UserError("--flavor applies to toyos only");
        }
        if (!defines.isEmpty() && (guest.equals(Programs.TOYOS) || guest.endsWith(".img"))) {
            throw new UserError("-D defines a symbol for the assembler: it applies to a .s guest only");
        }
        if (record != null) {
            OutputPlace.checkResultFile("--record", record.toString());
        }
        if (cpuTechnique != null) {
            return runVirtualized();
        }
        for (String flag : new String[] {"--lockstep", "--vms", "--trace", "--mem", "--impl", "--counters",
                "--devices", "--hosting", "--page-sharing", "--scan-rate", "--balloon", "--machine-frames",
                "--idle-tax", "--migrate-at"}) {
            if (given(flag)) {
                throw new UserError(flag + " needs a VMM: add --cpu trap-emulate");
            }
        }
        if (flavor == Toyos.Flavor.PARAVIRT) {
            throw new UserError("the paravirtual kernel calls a hypervisor, which bare metal is not:"
                    + " run it with --cpu paravirt --mem pv-mmu");
        }
        Image program = guest.equals(Programs.TOYOS) ? Toyos.image(flavor) : Programs.load(guest, flavor, defines);
        RunRecorder recorder = record == null ? null : recorder(program, null, false);
        Machine machine = new Machine(recorder == null ? config()
                : MachineConfig.builder().isa(isa).fuel(fuel).memoryBytes(memoryMib << 20).tlbEntries(tlbEntries)
                .devices(recorder.devices()).build());
        try {
            if (guest.equals(Programs.TOYOS)) {
                Toyos.boot(machine, program, workload == null ? "all" : workload);
            } else {
                machine.load(program);
            }
        } catch (IllegalArgumentException e) {
            throw new UserError(guest + ": " + e.getMessage() + " (give more with --memory)");
        }
        RunResult result = machine.run();
        PrintWriter out = spec.commandLine().getOut();
        if (!quiet) {
            out.print(result.console());
            if (!result.console().isEmpty() && !result.console().endsWith("\n")) {
                out.println();
            }
        }
        Summary.print(out, machine, result);
        if (recorder != null) {
            recorder.finished(result, out);
        }
        out.flush();
        return result.stopReason().isClean() ? 0 : STOPPED;
    }

    private int runVirtualized() {
        if (trace != null) {
            OutputPlace.checkResultFile("--trace", trace.toString());
        }
        if (lockstep && vms != 1) {
            throw new UserError("--lockstep compares one VM with bare metal: leave out --vms");
        }
        if (scanRate != null && !pageSharing) {
            throw new UserError("--scan-rate sets how many pages --page-sharing hashes a slice: add --page-sharing");
        }
        if (record != null && (vms != 1 || lockstep || pageSharing)) {
            throw new UserError("--record records one VM as its VMM runs it alone: leave out "
                    + (vms != 1 ? "--vms" : lockstep ? "--lockstep" : "--page-sharing"));
        }
        if (idleTax != null && !balloon) {
            throw new UserError("--idle-tax sets the policy's tax on idle memory: add --balloon");
        }
        if (lockstep && (balloon || machineFrames != null)) {
            throw new UserError("--lockstep runs one VM instruction by instruction, with no slices for a"
                    + " memory policy: leave out --balloon and --machine-frames");
        }
        if (lockstep && pageSharing) {
            throw new UserError("--lockstep runs one VM instruction by instruction, with no slices to scan"
                    + " between: leave out --page-sharing");
        }
        if (memoryTechnique.equals(OLD_IDENTITY_NAME)) {
            // "Direct paging" is Xen's name for its paravirtual MMU; the old spelling still works.
            spec.commandLine().getErr().println("vmlab: note: --mem direct is now called --mem identity");
            memoryTechnique = "identity";
        }
        TechniqueChoice techniques = new TechniqueChoice(impl);
        CpuTechnique cpu = techniques.cpu(cpuTechnique);
        MemoryTechnique memory = techniques.memory(memoryTechnique);
        if (memory.ownsTheMachine() && vms != 1) {
            throw new UserError("--mem " + memory.name() + " gives one VM the whole machine: leave out --vms");
        }
        techniques.checkRuns(cpu, memory);
        if (memoryMib != 16) {
            throw new UserError("--memory sets the bare machine's RAM; a VM has 16 MiB of guest memory");
        }
        checkParavirtual(cpu);
        if (given("--hosting") && deviceModel == null) {
            throw new UserError("--hosting says where a device model's work runs: add --devices emulated or --devices split");
        }
        DeviceTechnique devices = techniques.devices(deviceModel);
        Hosting hosting = TechniqueChoice.hosting(hostingModel);
        TechniqueChoice.checkRuns(cpu, devices);
        Image image = vmImage(cpu, devices != null && devices.paravirtual());
        Image nativeImage = cpu.paravirtual() ? nativeBuild() : image;
        String line = workload == null ? "all" : workload;
        Consumer<Machine> bootBare = m -> {
            if (guest.equals(Programs.TOYOS)) {
                Toyos.boot(m, nativeImage, line);
            } else {
                m.load(nativeImage);
            }
        };
        Consumer<VirtualMachine> bootVm = vm -> {
            if (guest.equals(Programs.TOYOS)) {
                Toyos.boot(vm, image, line);
            } else {
                vm.load(image);
            }
        };
        Equivalence.Level level = cpu.paravirtual() ? Equivalence.Level.OBSERVABLE : Equivalence.Level.EXACT;
        VirtualizedRun.Plan plan = new VirtualizedRun.Plan(config(), vms, cpu, memory, lockstep, trace, level,
                counters, devices, hosting, pageSharing ? scanRate == null
                ? PageSharingScanner.DEFAULT_PAGES_PER_SLICE : scanRate : 0,
                record == null ? null : recorder(image, new Recording.Vmm(cpu.name(), memory.name(),
                        devices == null ? null : devices.name(), hosting.spelling(), impl.chosen().name()), cpu.paravirtual()),
                new VirtualizedRun.Overcommit(machineFrames == null ? 0 : machineFrames, balloon,
                        idleTax == null ? 0 : idleTax, pageSharing ? techniques.sharingRules() : null));
        PrintWriter out = spec.commandLine().getOut();
        if (migrateAt != null) {
            checkMigration();
            int exit = MigratedRun.run(out, plan, bootBare, bootVm, quiet, migrateAt, techniques.preCopyPolicy());
            out.flush();
            return exit;
        }
        int exit = VirtualizedRun.run(out, plan, bootBare, bootVm, quiet);
        out.flush();
        return exit;
    }

    /** {@code --migrate-at} moves one VM between two hosts, with nothing else between its slices. */
    private void checkMigration() {
        if (vms != 1) {
            throw new UserError("--migrate-at moves one VM: leave out --vms");
        }
        for (String flag : new String[] {"--lockstep", "--page-sharing", "--trace", "--record", "--balloon",
                "--machine-frames", "--idle-tax"}) {
            if (given(flag)) {
                throw new UserError("--migrate-at cannot go with " + flag + ": leave out one of them");
            }
        }
    }

    /**
     * A paravirtual technique runs a kernel built for it, compared with the native build of the
     * same source: never the native kernel, never instruction by instruction.
     */
    private void checkParavirtual(CpuTechnique cpu) {
        if (!cpu.paravirtual()) {
            if (flavor == Toyos.Flavor.PARAVIRT) {
                throw new UserError("the paravirtual kernel (--flavor paravirt) calls a hypervisor that "
                        + cpu.name() + " does not offer: run it with --cpu paravirt --mem pv-mmu");
            }
            return;
        }
        if (given("--flavor") && flavor != Toyos.Flavor.PARAVIRT) {
            throw new UserError("--cpu " + cpu.name() + " runs a paravirtual kernel: leave out --flavor "
                    + flavor.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (lockstep) {
            throw new UserError("--lockstep compares bare metal and the VM instruction by instruction, which"
                    + " needs the same kernel on both sides; a paravirtual kernel is a different program"
                    + " from the native one (it calls the hypervisor instead of running privileged"
                    + " instructions), so a " + cpu.name() + " run is checked at the observable level"
                    + " instead: leave out --lockstep");
        }
        if (guest.endsWith(".img")) {
            throw new UserError("--cpu " + cpu.name() + " runs a paravirtual guest, compared with the native"
                    + " build of the same source: give toyos or a .s file (assembled with PARAVIRT=1 for"
                    + " the VM and PARAVIRT=0 for bare metal), not an image");
        }
    }

    /**
     * The guest the VMs run: the paravirtual build for a paravirtual technique, with the split
     * drivers' front ends if the device model needs them.
     */
    private Image vmImage(CpuTechnique cpu, boolean splitDrivers) {
        if (guest.equals(Programs.TOYOS)) {
            return cpu.paravirtual() ? Toyos.image(Toyos.Flavor.PARAVIRT,
                    splitDrivers ? Toyos.Drivers.SPLIT : Toyos.Drivers.EMULATED) : Toyos.image(flavor);
        }
        if (!cpu.paravirtual()) {
            return Programs.load(guest, flavor, defines);
        }
        Map<String, Integer> all = withParavirt(1);
        if (splitDrivers) {
            all.putIfAbsent("SPLIT", 1);
        }
        return Programs.load(guest, flavor, all);
    }

    /** The native build of the paravirtual guest's source, for bare metal. */
    private Image nativeBuild() {
        return guest.equals(Programs.TOYOS) ? Toyos.image(Toyos.Flavor.NATIVE)
                : Programs.load(guest, Toyos.Flavor.NATIVE, withParavirt(0));
    }

    private Map<String, Integer> withParavirt(int value) {
        Map<String, Integer> all = new LinkedHashMap<>(defines);
        all.putIfAbsent("PARAVIRT", value);
        return all;
    }

    /** What --record writes: the program as it runs, the machine, and {@code vmm} (null for bare metal). */
    private RunRecorder recorder(Image program, Recording.Vmm vmm, boolean paravirtual) {
        String flavorName = paravirtual ? "paravirt" : flavor.name().toLowerCase(java.util.Locale.ROOT);
        return new RunRecorder(record, Recording.Program.of(guest, guest.equals(Programs.TOYOS)
                ? (workload == null ? "all" : workload) : null, flavorName, defines, program),
                new Recording.MachineSetup(isa.name(), memoryMib, tlbEntries, fuel), vmm);
    }

    /** True if the command line gave {@code option}, even with its default value. */
    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The bare machine; the converters have checked the sizes. */
    private MachineConfig config() {
        return MachineConfig.builder().isa(isa).fuel(fuel).memoryBytes(memoryMib << 20)
                .tlbEntries(tlbEntries).build();
    }

    /** The workload names, for help and completion. */
    static final class Workloads implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Toyos.workloads().iterator();
        }
    }
}
