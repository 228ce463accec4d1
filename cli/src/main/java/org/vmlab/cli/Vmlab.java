package org.vmlab.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vmlab} command: run guests on the simulated machine, assemble and disassemble, and
 * show the demo.
 *
 * <p>A user mistake (a bad flag, a missing file, a program that does not assemble) is reported
 * as one line on standard error with exit code 2, never as a stack trace.
 */
@Command(name = "vmlab",
        mixinStandardHelpOptions = true,
        versionProvider = Vmlab.Version.class,
        description = "Learn virtualization by building a virtual machine monitor on a simulated machine.",
        subcommands = {RunCommand.class, AsmCommand.class, DisasmCommand.class, DemoCommand.class,
                ExperimentCommand.class,
                GradeCommand.class, SyncLabsCommand.class, ExportHandoutCommand.class,
                GradescopePackageCommand.class,
                CommandLine.HelpCommand.class})
public final class Vmlab implements Runnable {
    /** Exit code for a user mistake: bad flag, missing file, bad program. */
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
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
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("vmlab: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof UserError user) {
                cmd.getOut().flush();
                cmd.getErr().println(user.located() ? user.getMessage() : "vmlab: " + user.getMessage());
                return USAGE;
            }
            cmd.getErr().println("vmlab: internal error: " + e);
            e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cli.execute(args);
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
