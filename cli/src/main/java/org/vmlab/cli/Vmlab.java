package org.vmlab.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import org.vmlab.machine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code vmlab} command: run guests on the simulated machine, assemble and disassemble, and
 * show the demo.
 *
 * <p>A user mistake (a bad flag, a missing file, a program that does not assemble) is reported
 * as one line on standard error with exit code 2, never as a stack trace. A missing or unknown
 * command is reported as picocli does: the error, a suggestion for a near miss, and the usage,
 * on standard error, with exit code 2. An exception thrown by lab code is reported where it was
 * thrown, in the lab's own classes ({@link LabCode#labFailure}), by every command.
 */
@Command(name = "vmlab",
        mixinStandardHelpOptions = true,
        versionProvider = Vmlab.Version.class,
        description = "Learn virtualization by building a virtual machine monitor on a simulated machine.",
        subcommands = {RunCommand.class, SnapshotCommand.class, RestoreCommand.class, ReplayCommand.class, AsmCommand.class, DisasmCommand.class, DemoCommand.class,
                ExperimentCommand.class,
                GradeCommand.class, SyncLabsCommand.class, ExportHandoutCommand.class,
                GradescopePackageCommand.class,
                CommandLine.HelpCommand.class})
public final class Vmlab {
    /** Exit code for a user mistake: bad flag, missing file, bad program. */
    public static final int USAGE = 2;

    /**
     * The engine every machine of this command runs on: an option of every command. It names the
     * engine through the system property the machine reads ({@link Engine#standard()}), so that
     * machines built anywhere in the command (and JVMs it starts) use it.
     */
    @Option(names = "--engine", scope = ScopeType.INHERIT, paramLabel = "ENGINE", converter = Converters.EngineName.class,
            description = "The execution engine: interpreter or compiled (default: compiled). Both give the same "
                    + "results, instruction for instruction; compiled runs hot guest code as JVM bytecode.")
    void setEngine(Engine engine) {
        System.setProperty(Engine.PROPERTY, engine.userName());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Vmlab());
        cli.setOut(out);
        cli.setErr(err);
        withVersionEverywhere(cli);
        cli.setParameterExceptionHandler(Vmlab::usageError);
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getOut().flush();
            UserError user = e instanceof UserError u ? u : LabCode.asUserError(e);
            if (user != null) {
                cmd.getErr().println(user.located() ? user.getMessage() : "vmlab: " + user.getMessage());
                return USAGE;
            }
            cmd.getErr().println("vmlab: internal error: " + e);
            e.printStackTrace(cmd.getErr());
            return 1;
        });
        String engine = System.getProperty(Engine.PROPERTY);
        try {
            Engine.standard();   // a bad -Dvmlab.engine is the user's mistake: one line, before any machine
        } catch (IllegalArgumentException e) {
            err.println("vmlab: " + e.getMessage());
            return USAGE;
        }
        try {
            return cli.execute(args);
        } finally {
            // --engine is this command's: a caller in the same JVM gets its own choice back
            if (engine == null) {
                System.clearProperty(Engine.PROPERTY);
            } else {
                System.setProperty(Engine.PROPERTY, engine);
            }
        }
    }

    /**
     * A mistake on the command line. A command that has subcommands and was given none, or an
     * unknown one: the error, picocli's suggestion for a near miss ("Did you mean: run?") and the
     * command's usage. Anything else: one line, with the suggestion in it if there is one.
     */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        List<String> unmatched = e instanceof UnmatchedArgumentException u ? u.getUnmatched() : List.of();
        boolean hasCommands = !cmd.getSubcommands().isEmpty();
        boolean unknownCommand = hasCommands && !unmatched.isEmpty() && !unmatched.get(0).startsWith("-");
        boolean missingCommand = hasCommands && unmatched.isEmpty()
                && e.getMessage().startsWith("Missing required subcommand");
        if (unknownCommand || missingCommand) {
            err.println(missingCommand ? "vmlab: '" + name + "' needs a command (listed below)"
                    : "vmlab: unknown command '" + unmatched.get(0) + "' for '" + name + "'");
            List<String> suggestions = unknownCommand
                    ? suggestions(unmatched.get(0), cmd.getSubcommands().keySet(), (UnmatchedArgumentException) e)
                    : List.of();
            if (!suggestions.isEmpty()) {
                err.println("Did you mean: " + String.join(" or ", suggestions.stream().map(s -> name + " " + s)
                        .toList()) + "?");
            }
            cmd.usage(err);
            return USAGE;
        }
        List<String> suggestions = List.of();
        if (!unmatched.isEmpty() && unmatched.get(0).startsWith("-")) {
            String option = unmatched.get(0).split("=", 2)[0];
            suggestions = suggestions(option, cmd.getCommandSpec().optionsMap().keySet(), (UnmatchedArgumentException) e);
        }
        err.println("vmlab: " + e.getMessage()
                + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?")
                + " (see '" + name + " --help')");
        return USAGE;
    }

    /**
     * The names a mistyped {@code word} was likely meant to be: those one or two edits away (a
     * letter missing, added, changed, or two swapped: {@code rnu} for {@code run}), or that it
     * begins; else picocli's own suggestions.
     */
    static List<String> suggestions(String word, java.util.Collection<String> names, UnmatchedArgumentException e) {
        int letters = word.replaceFirst("^-+", "").length();
        if (letters < 3) {
            return List.of();   // too short to tell what it was meant to be
        }
        int allowed = letters <= 4 ? 1 : 2;
        List<String> near = names.stream()
                .filter(n -> editDistance(word, n) <= allowed || (word.length() >= 3 && n.startsWith(word)))
                .sorted(java.util.Comparator.comparingInt((String n) -> editDistance(word, n)).thenComparing(n -> n))
                .limit(3).toList();
        if (!near.isEmpty()) {
            return near;
        }
        return e.getSuggestions().stream().filter(names::contains).limit(3).toList();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * Gives every command {@code -V/--version} with the version of {@code vmlab}: a command's
     * standard help options have no version of their own, and the built-in {@code help} has none.
     */
    private static void withVersionEverywhere(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        spec.versionProvider(new Version());
        if (spec.optionsMap().get("--version") == null && spec.optionsMap().get("-V") == null) {
            spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                    .description("Print version information and exit.").build());
        }
        command.getSubcommands().values().forEach(Vmlab::withVersionEverywhere);
    }

    /** The version, from the jar's manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Vmlab.class.getPackage().getImplementationVersion();
            return new String[] {"vmlab " + (v == null ? "(development build)" : v)};
        }
    }
}
