package org.vmlab.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.vmlab.machine.RunResult;
import org.vmlab.vmm.Lockstep;
import org.vmlab.vmm.replay.ReplayDivergence;
import org.vmlab.vmm.replay.TimeTravel;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code vmlab replay}: run a recorded run again, exactly, and travel in it (docs/replay.md). */
@Command(name = "replay", mixinStandardHelpOptions = true,
        header = "Replay a recorded run: to any instruction, forward and back.",
        description = {"Run a recording (vmlab run ... --record FILE) again, on bare metal or under",
                "the recorded VMM techniques, its inputs from the recording's log. Without --to,",
                "replay it all and check that it ended exactly as recorded. --to N shows the",
                "state after instruction N: pc and the instruction there, registers, cpl, the",
                "last instructions; --step K and --back K move from there (back replays from",
                "the start). --divergence replays the VM and bare metal in lockstep to the",
                "first divergent instruction. -i reads commands from standard input.",
                "Exit code 0 when the replay retraced the recording, 2 for a mistake (a",
                "missing, corrupt or other-version file, N beyond the recorded run), 4 when",
                "the replay diverged.",
                "Examples: vmlab run toyos -w net --cpu trap-emulate --record net.rec",
                "          vmlab replay net.rec --to 5000 --back 1",
                "          vmlab replay net.rec --divergence"})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A recording, from vmlab run ... --record FILE.")
    String file;

    @Option(names = "--to", paramLabel = "N", converter = InstructionCount.class,
            description = "Replay to the state after instruction N (0 is the start; k, M, G count thousands,"
                    + " millions, billions).")
    Long to;

    @Option(names = "--step", paramLabel = "K", converter = Converters.Count.class,
            description = "Then K instructions forward.")
    Long step;

    @Option(names = "--back", paramLabel = "K", converter = Converters.Count.class,
            description = "Then K instructions back (a replay from the start to there).")
    Long back;

    @Option(names = "--divergence", description = "Replay the recorded VM and bare metal in lockstep, from the"
            + " recorded inputs, and show the first instruction after which their states differ.")
    boolean divergence;

    @Option(names = {"-i", "--interactive"}, description = "Read commands from standard input: "
            + "to N, step [K], back [K], regs, mem ADDR [LEN], help, quit.")
    boolean interactive;

    @Mixin
    ImplOption impl;

    @Override
    public Integer call() throws IOException {
        if ((step != null || back != null) && to == null && !divergence) {
            throw new UserError("--step and --back move from --to N: add --to N");
        }
        if (divergence && (to != null || step != null || back != null || interactive)) {
            throw new UserError("--divergence replays the whole run in lockstep: leave out --to, --step, --back and -i");
        }
        if (interactive && (step != null || back != null)) {
            throw new UserError("-i reads its moves from standard input: leave out --step and --back");
        }
        Recording recording = RecordingFile.read(file);
        RecordedRun run = new RecordedRun(recording, file, impl::techniques);
        PrintWriter out = spec.commandLine().getOut();
        if (divergence) {
            return divergence(out, run);
        }
        TimeTravel travel = new TimeTravel(run::recorded, recording.end().instructions());
        long target = to == null ? -1 : to + (step == null ? 0 : step) - (back == null ? 0 : back);
        if (to != null) {
            checkPosition("--to " + to, to, travel.end());
            checkPosition(step != null || back != null ? "--to " + to + (step != null ? " --step " + step : "")
                    + (back != null ? " --back " + back : "") + ": instruction " + target : "--to", target, travel.end());
        }
        out.printf("replay:       %s, %s, %s%n", file, describe(recording), recording.where());
        try {
            if (interactive) {
                if (to != null) {
                    print(out, travel.to(to));
                }
                new ReplaySession(travel, out, System.console() == null).run(new BufferedReader(new InputStreamReader(System.in,
                        StandardCharsets.UTF_8)));
                travel.close();
                return 0;
            }
            if (to == null) {
                return verify(out, recording, travel);
            }
            travel.to(to);
            if (step != null) {
                travel.step(step);
            }
            if (back != null) {
                travel.back(back);
            }
            print(out, travel.here());
            travel.close();
            return 0;
        } catch (ReplayDivergence e) {
            out.flush();
            spec.commandLine().getErr().println("vmlab: the replay diverged from the recording: " + e.getMessage());
            return VirtualizedRun.DIVERGED;
        }
    }

    private static void checkPosition(String what, long n, long end) {
        if (n < 0 || n > end) {
            throw new UserError(String.format("%s is %s the recorded run, which retired %,d instructions (0..%,d)",
                    what, n < 0 ? "before the start of" : "beyond", end, end));
        }
    }

    private static String describe(Recording r) {
        Recording.Program p = r.program();
        String program = p.workload() != null ? p.guest() + " -w " + p.workload()
                + (p.flavor() != null && p.flavor().equals("paravirt") ? " (paravirtual kernel)" : "") : p.guest();
        return String.format("%s on %s, %,d instructions recorded (%s)", program, r.machine().isa(),
                r.end().instructions(), r.end().stopReason());
    }

    /** Replays the whole run and compares its end with the recorded one. */
    private int verify(PrintWriter out, Recording recording, TimeTravel travel) {
        long started = System.nanoTime();
        RunResult replayed = travel.runToTheEnd();
        long millis = (System.nanoTime() - started) / 1_000_000;
        travel.close();
        java.util.List<String> differences = recording.end().differences(replayed);
        if (!differences.isEmpty()) {
            out.flush();
            spec.commandLine().getErr().println("vmlab: the replay diverged from the recording: "
                    + String.join("; ", differences));
            return VirtualizedRun.DIVERGED;
        }
        out.printf("verdict:      reproduced: %,d instructions, %,d ticks, %s, observables sha256 %s...%n",
                replayed.instructions(), replayed.ticks(), replayed.stopReason(),
                recording.end().observablesDigest().substring(0, 16));
        out.printf("inputs:       %,d network frames from the log, %,d console input bytes, a %,d-byte disk image%n",
                recording.inputs().log().deliveries(), recording.inputs().consoleInput().length(),
                recording.inputs().diskImage().length);
        out.printf("time:         %,d ms for the whole replay%n", millis);
        return 0;
    }

    private int divergence(PrintWriter out, RecordedRun run) {
        Recording recording = run.recording();
        if (recording.bareMetal()) {
            throw new UserError(file + " was recorded on bare metal: --divergence compares a recorded VM with"
                    + " bare metal (record with --cpu)");
        }
        if (run.paravirtual()) {
            throw new UserError(file + " ran a paravirtual kernel, a different program from the native one:"
                    + " no instruction-by-instruction comparison with bare metal (leave out --divergence)");
        }
        out.printf("replay:       %s, %s, %s%n", file, describe(recording), recording.where());
        Lockstep.Outcome outcome;
        try {
            outcome = Lockstep.run(run.bare(), run.recorded());
        } catch (ReplayDivergence e) {
            out.flush();
            spec.commandLine().getErr().println("vmlab: the replay diverged from the recording: " + e.getMessage());
            return VirtualizedRun.DIVERGED;
        }
        out.printf("lockstep:     the recorded VM against bare metal, instruction by instruction, inputs from the log%n");
        if (outcome.divergence().isPresent()) {
            Lockstep.Divergence d = outcome.divergence().get();
            out.println("verdict:      " + d.describe());
            out.println("native state after it:");
            out.println(indent(d.nativeState().toString()));
            out.println("virtual state after it:");
            out.println(indent(d.virtualState().toString()));
            return VirtualizedRun.DIVERGED;
        }
        if (outcome.memory().isPresent()) {
            out.printf("verdict:      no instruction diverged in %,d instructions (%s), but at the end %s%n",
                    outcome.virtualRun().instructions(), outcome.virtualRun().stopReason(),
                    outcome.memory().get().describe());
            return VirtualizedRun.DIVERGED;
        }
        out.printf("verdict:      no divergence in %,d instructions (%s): the processor state after every"
                + " instruction, and memory at the end, are bare metal's%n", outcome.virtualRun().instructions(),
                outcome.virtualRun().stopReason());
        return 0;
    }

    /** The state at a position, as the replay prints it. */
    static void print(PrintWriter out, TimeTravel.Position p) {
        out.printf("at:           instruction %,d, tick %,d%s%n", p.instructions(), p.ticks(),
                p.stopped() == null ? "" : ", stopped for good (" + p.stopped() + ")");
        out.printf("pc:           0x%08x (%s) `%s`%s%n", p.pc(), p.symbol(), p.text(),
                p.stopped() == null ? " (next)" : "");
        out.printf("cpl:          %d%n", p.state().cpl());
        out.println("registers:");
        out.println(indent(p.state().toString()));
        if (!p.recent().isEmpty()) {
            out.println("last:");
            for (TimeTravel.Executed e : p.recent()) {
                out.printf("  %,12d  0x%08x (%s) `%s`%n", e.instruction(), e.pc(), e.symbol(), e.text());
            }
        }
        out.flush();
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }

    /** An instruction count, 0 or more, with an optional k, M or G suffix. */
    static final class InstructionCount implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if (value.trim().replace("_", "").equals("0")) {
                return 0L;
            }
            try {
                return new Converters.Count().convert(value);
            } catch (TypeConversionException e) {
                throw new TypeConversionException(e.getMessage().replace("must be positive", "must be 0 or more"));
            }
        }
    }
}
