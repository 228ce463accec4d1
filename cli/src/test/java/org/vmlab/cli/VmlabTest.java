package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.guests.Toyos;

/** The vmlab command as a user meets it: output, exit codes, and one-line errors. */
class VmlabTest {

    /** What one invocation printed and returned. */
    record Outcome(int exitCode, String out, String err) {
    }

    static Outcome vmlab(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vmlab.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheSubcommands() {
        Outcome o = vmlab("--help");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("run", "asm", "disasm", "demo");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String cmd : new String[] {"run", "asm", "disasm", "demo", "grade", "sync-labs",
                "export-handout", "gradescope-package"}) {
            Outcome o = vmlab(cmd, "--help");
            assertThat(o.exitCode()).as(cmd).isZero();
            assertThat(o.out()).as(cmd).contains("Usage: vmlab " + cmd);
        }
    }

    @Test
    void aBadFlagIsOneLineAndExitCode2() {
        Outcome o = vmlab("run", "toyos", "--bogus");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n").startsWith("vmlab: Unknown option: '--bogus'");
    }

    @Test
    void aBadValueNamesWhatIsAccepted() {
        Outcome o = vmlab("run", "toyos", "--isa", "x86");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("unknown ISA variant 'x86' (expected one of: classic, legacy)");
        assertThat(o.err().strip()).doesNotContain("\n");
    }

    @Test
    void anUnknownWorkloadOrMissingFileIsOneLine() {
        assertThat(vmlab("run", "toyos", "--workload", "nope").err())
                .startsWith("vmlab: unknown workload 'nope' (expected one of: all, compute");
        Outcome missing = vmlab("run", "missing.s");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("vmlab: missing.s: no such file");
    }

    @Test
    void bothEnginesRunAGuestToTheSameEnd() {
        String before = System.getProperty(org.vmlab.machine.Engine.PROPERTY);
        Outcome interpreted = vmlab("run", "toyos", "--workload", "compute", "--engine", "interpreter");
        Outcome compiled = vmlab("--engine", "COMPILED", "run", "toyos", "--workload", "compute");

        assertThat(interpreted.exitCode()).as(interpreted.err()).isZero();
        assertThat(compiled.out()).isEqualTo(interpreted.out());
        assertThat(System.getProperty(org.vmlab.machine.Engine.PROPERTY)).as("the choice ends with the command")
                .isEqualTo(before);
    }

    @Test
    void anUnknownEngineIsOneLineNamingTheEngines() {
        Outcome o = vmlab("run", "toyos", "--engine", "turbo");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n").contains("--engine", "turbo", "interpreter", "compiled");
    }

    @Test
    void aBadEnginePropertyIsOneLineAndExitCode2() {
        String before = System.getProperty(org.vmlab.machine.Engine.PROPERTY);
        System.setProperty(org.vmlab.machine.Engine.PROPERTY, "turbo");
        try {
            Outcome o = vmlab("run", "toyos", "-w", "syscall");

            assertThat(o.exitCode()).isEqualTo(2);
            assertThat(o.err().strip()).isEqualTo("vmlab: system property vmlab.engine: no engine named 'turbo'"
                    + " (the engines: interpreter, compiled)");
        } finally {
            if (before == null) {
                System.clearProperty(org.vmlab.machine.Engine.PROPERTY);
            } else {
                System.setProperty(org.vmlab.machine.Engine.PROPERTY, before);
            }
        }
    }

    @Test
    void runPrintsTheGuestsConsoleAndASummary() {
        Outcome o = vmlab("run", "toyos", "--workload", "syscall", "--isa", "legacy", "--fuel", "50000000");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).startsWith(Toyos.expectedOutput("syscall"));
        assertThat(o.out()).contains("stopped:      HALT", "instructions:", "cycles:");
    }

    @Test
    void aRunOutOfFuelIsStoppedWithExitCode3() {
        Outcome o = vmlab("run", "toyos", "--workload", "compute", "--fuel", "100k", "--quiet");

        assertThat(o.exitCode()).isEqualTo(RunCommand.STOPPED);
        assertThat(o.out()).contains("FUEL_EXHAUSTED").contains("instructions: 100,000");
    }

    @Test
    void asmReportsErrorsAsFileLineColumn(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("bad.s");
        Files.writeString(source, "start:\n  addi r1, r0, 5\n  bogus r1\n");

        Outcome o = vmlab("asm", source.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("bad.s:3:3: unknown mnemonic 'bogus'");
        assertThat(o.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aProgramThatDoesNotFitInRamIsOneLine(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("high.s");
        Files.writeString(source, ".segment high, 0x02000000\nstart:\n    hlt\n");

        Outcome o = vmlab("run", source.toString(), "--memory", "16");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n")
                .contains("segment high at 0x02000000 (4 bytes) does not fit in 16384 KiB of RAM");
    }

    @Test
    void asmWritesAnImageThatRunsAndDisassembles(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("hello.s");
        Files.writeString(source, String.join("\n",
                "start:",
                "    addi r2, r0, 'H'",
                "    out 0x3f8, r2",
                "    addi r2, r0, '\\n'",
                "    out 0x3f8, r2",
                "    hlt",
                ""));

        Outcome asm = vmlab("asm", source.toString());
        Path image = dir.resolve("hello.img");
        Outcome run = vmlab("run", image.toString());
        Outcome disasm = vmlab("disasm", image.toString());

        assertThat(asm.exitCode()).isZero();
        assertThat(Files.exists(image)).isTrue();
        assertThat(run.out()).startsWith("H\n");
        assertThat(disasm.out()).contains("start:", "out 0x3f8, r2", "hlt");
    }

    @Test
    void theVmmOnTheStubsSaysWhichLabIsNotWrittenYet() {
        Outcome o = vmlab("run", "toyos", "-w", "syscall", "--cpu", "trap-emulate", "--mem", "identity", "--impl", "labs");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n")
                .startsWith("vmlab: trap-emulate + identity: this needs lab1, which is not written yet: TODO(lab1): ");
    }

    @Test
    void theOldNameOfIdentityPagingStillWorksWithANote() {
        Outcome o = vmlab("run", "toyos", "-w", "syscall", "--cpu", "trap-emulate", "--mem", "direct", "--impl", "labs");

        assertThat(o.err().strip()).startsWith("vmlab: note: --mem direct is now called --mem identity\n")
                .contains("vmlab: trap-emulate + identity: this needs lab1");
    }

    @Test
    void vmmFlagsWithoutAVmmAreRefusedInOneLine() {
        Outcome o = vmlab("run", "toyos", "--lockstep");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("vmlab: --lockstep needs a VMM: add --cpu trap-emulate");
    }

    @Test
    void gradeGivesTheStubsNothingWithTheirTodos() {
        Outcome stubs = vmlab("grade", "lab0");

        assertThat(stubs.exitCode()).isZero();
        assertThat(stubs.out()).contains("total: 0/").contains("TODO(lab0)");
    }

    @Test
    void gradeGivesTheSolutionsFullMarks(@TempDir Path out) {
        assumeTrue(Files.isDirectory(Home.root().resolve("solutions")), "the instructors' repository");

        Outcome solutions = vmlab("grade", "lab0", "--impl", "solutions", "--out", out.toString());

        assertThat(solutions.out()).contains("total: 16/16 points");
        assertThat(out.resolve("results.json")).exists();
    }

    @Test
    void gradeExitsWith1BelowTheMinimumForCi() {
        Outcome below = vmlab("grade", "lab0", "--min", "max");
        Outcome zero = vmlab("grade", "lab0", "--min", "0");

        assertThat(below.exitCode()).isEqualTo(GradeCommand.BELOW_MIN);
        assertThat(below.out()).contains("below the minimum of ").contains("points (exit code 1)");
        assertThat(zero.exitCode()).isZero();
        assertThat(vmlab("grade", "lab0", "--min", "lots").err().strip())
                .isEqualTo("vmlab: --min takes a number of points (at least 0) or max, not 'lots'");
    }

    @Test
    void gradeExitsWith3WhenTheTestJvmCannotStartWhateverMinSays() {
        Outcome bogus = vmlab("grade", "lab0", "--jvm-option=-XX:+Bogus", "--min", "0");

        assertThat(bogus.exitCode()).isEqualTo(GradeCommand.GRADER_FAILED);
        assertThat(bogus.err().strip()).startsWith("vmlab: the grading itself failed, so there is"
                + " no score: the test JVM could not start (exit code 1): Unrecognized VM option"
                + " 'Bogus'").doesNotContain("\n");
        assertThat(bogus.out()).doesNotContain("at least the minimum");
    }

    @Test
    void gradeRefusesAnOutputPlaceThatIsAFileOrAUserNameThatIsNone(@TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("results"), "x");
        Outcome onFile = vmlab("grade", "lab0", "--out", file.toString());
        assertThat(onFile.exitCode()).isEqualTo(2);
        assertThat(onFile.err().strip()).isEqualTo("vmlab: --out " + file + " is a file, not a folder");

        Outcome badUser = vmlab("grade", "lab0", "--run-as", "Robert'); --");
        assertThat(badUser.exitCode()).isEqualTo(2);
        assertThat(badUser.err().strip()).startsWith("vmlab: --run-as takes a user name");
    }

    @Test
    void gradeRefusesAnUnknownLab() {
        Outcome o = vmlab("grade", "lab99");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("vmlab: unknown lab 'lab99' (expected one of: lab0, lab1, lab2, lab3, lab4, lab5, lab6, lab7)");
    }

    @Test
    void syncLabsCheckFindsTheLabsInSync() {
        assumeTrue(Files.isDirectory(Home.root().resolve("solutions")), "the instructors' repository");

        Outcome o = vmlab("sync-labs", "--check");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("labs/ is in sync with solutions/.");
    }

    @Test
    void inAHandoutTheSolutionsCommandsSayWhyTheyCannotRun(@TempDir Path handout) throws IOException {
        Files.createDirectories(handout.resolve("labs/src/test/java/org/vmlab/labs/lab0"));
        Files.writeString(handout.resolve("pom.xml"), "<project/>");

        Outcome grade = inRepository(handout, "grade", "--impl", "solutions");
        Outcome sync = inRepository(handout, "sync-labs");
        Outcome export = inRepository(handout, "export-handout", "--out", handout.resolveSibling("again").toString());

        assertThat(grade.exitCode()).isEqualTo(2);
        assertThat(grade.err().strip()).isEqualTo("vmlab: there are no solutions in this repository "
                + "(a students' handout); grade your own code with: vmlab grade");
        assertThat(sync.err().strip()).isEqualTo("vmlab: no solutions/ here: sync-labs belongs to the "
                + "instructors' repository, not to a handout");
        assertThat(export.err().strip()).endsWith("has no solutions/: it is a handout already; "
                + "export from the instructors' repository");
    }

    /** Runs vmlab as if the launcher had been started in {@code root}. */
    static Outcome inRepository(Path root, String... args) {
        String before = System.getProperty("vmlab.home");
        System.setProperty("vmlab.home", root.toString());
        try {
            return vmlab(args);
        } finally {
            if (before == null) {
                System.clearProperty("vmlab.home");
            } else {
                System.setProperty("vmlab.home", before);
            }
        }
    }
}
