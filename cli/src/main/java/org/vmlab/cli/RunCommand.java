package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.isa.IsaVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vmlab run}: boot a guest on the bare machine and report what it did. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a guest on the simulated machine: print its console output, then a summary.",
                "Exit code 0 if the guest halted by itself, 3 if it was stopped (fuel, triple fault).",
                "Example: vmlab run toyos --workload syscall --isa legacy --fuel 50M"})
final class RunCommand implements Callable<Integer> {
    /** Exit code of a run the machine had to stop. */
    static final int STOPPED = 3;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "GUEST", description = "toyos, FILE.s or FILE.img")
    String guest;

    @Option(names = {"-w", "--workload"}, paramLabel = "NAME",
            description = "The toyos workload: ${COMPLETION-CANDIDATES} (default: all).",
            completionCandidates = Workloads.class)
    String workload;

    @Option(names = "--isa", paramLabel = "VARIANT", converter = Converters.Isa.class,
            defaultValue = "classic", description = "ISA variant: classic or legacy (default: ${DEFAULT-VALUE}).")
    IsaVariant isa;

    @Option(names = "--flavor", paramLabel = "FLAVOR", converter = Converters.Flavor.class,
            defaultValue = "native", description = "toyos kernel flavor: native or paravirt (default: ${DEFAULT-VALUE}).")
    Toyos.Flavor flavor;

    @Option(names = "--fuel", paramLabel = "N", converter = Converters.Count.class,
            defaultValue = "100M", description = "Stop after N instructions (default: ${DEFAULT-VALUE}).")
    long fuel;

    @Option(names = "--memory", paramLabel = "MIB", defaultValue = "16",
            description = "RAM in MiB (default: ${DEFAULT-VALUE}).")
    int memoryMib;

    @Option(names = "--tlb", paramLabel = "ENTRIES", defaultValue = "64",
            description = "TLB entries, a power of two (default: ${DEFAULT-VALUE}).")
    int tlbEntries;

    @Option(names = "-D", paramLabel = "NAME=VALUE", mapFallbackValue = "1",
            description = "For a .s guest: define a symbol before assembling.")
    Map<String, Integer> defines = new LinkedHashMap<>();

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary, not the console output.")
    boolean quiet;

    @Override
    public Integer call() {
        if (workload != null && !guest.equals(Programs.TOYOS)) {
            throw new UserError("--workload applies to toyos only");
        }
        if (workload != null && !Toyos.workloads().contains(workload)) {
            throw new UserError("unknown workload '" + workload + "' (expected one of: "
                    + String.join(", ", Toyos.workloads()) + ")");
        }
        Machine machine = new Machine(config());
        try {
            if (guest.equals(Programs.TOYOS)) {
                Toyos.boot(machine, Toyos.image(flavor), workload == null ? "all" : workload);
            } else {
                machine.load(Programs.load(guest, flavor, defines));
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
        out.flush();
        return result.stopReason().isClean() ? 0 : STOPPED;
    }

    private MachineConfig config() {
        if (memoryMib <= 0 || memoryMib > 1024) {
            throw new UserError("--memory must be 1..1024 MiB, was " + memoryMib);
        }
        if (tlbEntries <= 0 || Integer.bitCount(tlbEntries) != 1) {
            throw new UserError("--tlb must be a power of two, was " + tlbEntries);
        }
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
