package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vmlab demo}: boot toyos on the bare machine once per workload, and tabulate. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Boot toyos natively and run every workload: instructions, simulated cycles, result.",
                "A row is 'ok' when the console output is exactly the workload's expected output."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--isa", paramLabel = "VARIANT", converter = Converters.Isa.class,
            defaultValue = "classic", description = "ISA variant: classic or legacy (default: ${DEFAULT-VALUE}).")
    IsaVariant isa;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Image kernel = Toyos.image(Toyos.Flavor.NATIVE);
        String row = "%-10s %-8s %14s %16s  %-6s %s%n";
        out.printf("toyos on the bare machine, ISA %s%n%n", isa.name());
        out.printf(row, "workload", "stopped", "instructions", "cycles", "result", "output");
        boolean allOk = true;
        for (String workload : Toyos.workloads()) {
            Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(Toyos.FUEL).build());
            Toyos.boot(machine, kernel, workload);
            RunResult result = machine.run();
            boolean ok = result.stopReason().isClean()
                    && result.console().equals(Toyos.expectedOutput(workload));
            allOk &= ok;
            out.printf(row, workload, result.stopReason(), String.format("%,d", result.instructions()),
                    String.format("%,d", result.cycles()), ok ? "ok" : "WRONG", resultLine(result.console()));
            out.flush();
        }
        out.printf("%n%s%n", allOk ? "Every workload printed its expected output."
                : "Some workloads did not print their expected output: run them with 'vmlab run toyos --workload NAME'.");
        return allOk ? 0 : 1;
    }

    /** The workload's last line of its own: the line before toyos's power-off message. */
    private static String resultLine(String console) {
        String[] lines = console.split("\n");
        return lines.length >= 2 ? lines[lines.length - 2] : console.strip();
    }
}
