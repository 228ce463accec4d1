package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vmlab.cli.VmlabTest.inRepository;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.cli.VmlabTest.Outcome;

/**
 * A bug in lab code is reported alike by every command that runs it: where it was thrown, in the
 * lab's own classes, and the exception; never "internal error" with a stack trace. A table keeps
 * its columns (the cell says "lab bug") and tells the bug below it. The lab code here is a
 * repository's {@code labs} module of its own, compiled as a student's edit is.
 */
class LabBugsTest {
    /** A trap-and-emulate technique that throws as the VM is made (line 14)... */
    private static final String BUGGY_TECHNIQUES = """
            package org.vmlab.labs.lab1;

            import org.vmlab.vmm.CpuTechnique;
            import org.vmlab.vmm.CpuVirtualization;

            public final class TrapAndEmulateTechnique implements CpuTechnique {
                private String handlerName;

                public String name() { return "trap-emulate"; }

                public String description() { return "a lab with a bug as the VM is made"; }

                public CpuVirtualization create() {
                    return handlerName.isEmpty() ? null : null;
                }
            }
            """;
    /** ...and one, of a name of its own, whose trap handler throws. */
    private static final String BUGGY_HANDLER = """
            package org.vmlab.labs.bug;

            import org.vmlab.cpu.trapemulate.TrapAndEmulate;
            import org.vmlab.cpu.trapemulate.TrapHandler;
            import org.vmlab.vmm.CpuTechnique;
            import org.vmlab.vmm.CpuVirtualization;
            import org.vmlab.vmm.Exit;
            import org.vmlab.vmm.VirtualMachine;

            public final class BuggyHandlerTechnique implements CpuTechnique {
                public String name() { return "buggy-handler"; }

                public String description() { return "a trap handler with a bug"; }

                public CpuVirtualization create() {
                    return new TrapAndEmulate(new Handler());
                }

                static final class Handler implements TrapHandler {
                    private int[] seen;

                    @Override
                    public void handle(VirtualMachine vm, Exit exit) {
                        seen[exit.pc() & 3]++;
                    }
                }
            }
            """;

    @TempDir
    static Path repository;

    @BeforeAll
    static void aRepositoryWhoseLabsHaveBugs() throws IOException {
        Path labs = repository.resolve("labs");
        write(labs.resolve("src/main/java/org/vmlab/labs/lab1/TrapAndEmulateTechnique.java"), BUGGY_TECHNIQUES);
        write(labs.resolve("src/main/java/org/vmlab/labs/bug/BuggyHandlerTechnique.java"), BUGGY_HANDLER);
        write(labs.resolve("src/main/resources/META-INF/services/org.vmlab.vmm.CpuTechnique"),
                "org.vmlab.labs.lab1.TrapAndEmulateTechnique\norg.vmlab.labs.bug.BuggyHandlerTechnique\n");
        compile(labs);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Compiles a module's lab code as a command does when a source changed, so that the commands do not. */
    private static void compile(Path module) throws IOException {
        Files.createDirectories(module.resolve("target/classes/org/vmlab/labs"));
        StringWriter told = new StringWriter();
        assertThat(new LabBuild(module, new PrintWriter(told, true)).upToDate()).as(told.toString()).isTrue();
    }

    private static Outcome vmlab(String... args) {
        return inRepository(repository, args);
    }

    private static void assertLocated(Outcome o, String threw, String at) {
        assertThat(o.exitCode()).as(o.err()).isEqualTo(Vmlab.USAGE);
        List<String> lines = o.err().lines().toList();
        assertThat(lines.get(0)).startsWith("vmlab: your lab code threw " + threw);
        assertThat(lines.get(1)).startsWith("  at " + at);
        assertThat(o.err()).doesNotContain("internal error", "\tat ", "at org.vmlab.vmm", "at org.vmlab.cli");
    }

    @Test
    void runSaysWhereInTheLabsClassesTheBugIs() {
        Outcome thrownInTheHandler = vmlab("run", "toyos", "-w", "syscall", "--cpu", "buggy-handler", "--mem", "identity",
                "--impl", "labs", "-q");
        Outcome thrownAsTheVmIsMade = vmlab("run", "toyos", "-w", "syscall", "--cpu", "trap-emulate", "--mem", "identity",
                "--impl", "labs", "-q");

        assertLocated(thrownInTheHandler, "java.lang.NullPointerException: ",
                "org.vmlab.labs.bug.BuggyHandlerTechnique$Handler.handle(BuggyHandlerTechnique.java:24)");
        assertThat(thrownInTheHandler.err().lines()).hasSize(2);
        assertThat(thrownInTheHandler.err()).contains("\"this.seen\" is null");
        assertLocated(thrownAsTheVmIsMade, "java.lang.NullPointerException: ", "org.vmlab.labs.lab1.TrapAndEmulateTechnique"
                + ".create(TrapAndEmulateTechnique.java:14)");
        assertThat(thrownAsTheVmIsMade.err().lines()).hasSize(2);
    }

    @Test
    void experimentAttacksSaysItBelowItsTableAndKeepsTheColumns() {
        Outcome o = vmlab("experiment", "attacks", "--impl", "labs");

        assertLocated(o, "java.lang.NullPointerException", "org.vmlab.labs.lab1.TrapAndEmulateTechnique.create(");
        assertThat(o.err().lines()).hasSize(3).last().asString()
                .startsWith("  in: trap-emulate/classic: map-foreign, write-pagetable, read-vmm and ");
        assertThat(o.out()).containsPattern("(?m)^map-foreign +succeeded +lab bug {25}\\S");
    }

    @Test
    void experimentNanobenchSaysItBelowItsTableAndKeepsTheColumns() {
        Outcome o = vmlab("experiment", "nanobench", "-n", "1", "--impl", "labs", "-q");

        assertLocated(o, "java.lang.NullPointerException", "org.vmlab.labs.lab1.TrapAndEmulateTechnique.create(");
        List<String> rows = o.out().lines().filter(l -> l.matches("^[a-z-]+ +[0-9,]+ .*")).toList();
        assertThat(rows).hasSize(8).allMatch(row -> row.matches("^.{21} {21}lab bug  .{26}  .{26}  .{26}$"),
                "four cells of 26");
    }

    @Test
    void experimentLmbenchSaysItBelowItsTableAndKeepsTheColumns() {
        Outcome o = vmlab("experiment", "lmbench", "-n", "1", "--impl", "labs", "-q");

        assertLocated(o, "java.lang.NullPointerException", "org.vmlab.labs.lab1.TrapAndEmulateTechnique.create(");
        assertThat(o.err()).contains("  in: trap-emulate/classic: lat_null, lat_fork, lat_exec and 3 more");
        List<String> rows = o.out().lines().filter(l -> l.matches("^lat_[a-z]+ +1 +[0-9,.]+ .*")).toList();
        assertThat(rows).hasSize(6).allMatch(row -> row.matches("^.{31} {21}lab bug  .{26}  .{26}$"),
                "three cells of 26: the paravirtual one is Lab 4's, whatever becomes of it here");
    }

    @Test
    void demoSaysItBelowItsTableAndKeepsTheColumns() {
        Outcome o = vmlab("demo", "--impl", "labs", "-q");

        assertLocated(o, "java.lang.NullPointerException", "org.vmlab.labs.lab1.TrapAndEmulateTechnique.create(");
        assertThat(o.err()).contains("  in: trap-emulate/classic: all, compute, syscall and ");
        assertThat(o.out()).containsPattern("(?m)^syscall +ok +[0-9,]+ +[0-9,]+  lab bug {21}\\S");
    }

    /**
     * Lab 1's reference emulator without its call to controlRegisterWritten: the VMM stops the VM
     * and says which call is missing, where the guest would have crashed for no visible reason.
     */
    @Test
    void aMissingControlRegisterWrittenCallStopsTheVmNamingIt(@TempDir Path forgetful) throws IOException {
        Path solutions = Home.root().resolve("solutions/src/main/java/org/vmlab/labs/lab1");
        assumeTrue(Files.isDirectory(solutions), "the instructors' repository");
        Path lab1 = forgetful.resolve("labs/src/main/java/org/vmlab/labs/lab1");
        for (String name : List.of("TrapAndEmulateTechnique", "TrapAndEmulateHandler", "PrivilegedInstructionEmulator")) {
            String source = Files.readString(solutions.resolve(name + ".java"));
            write(lab1.resolve(name + ".java"),
                    source.replace("vm.memoryVirtualization().controlRegisterWritten(n);", "// forgotten"));
        }
        compile(forgetful.resolve("labs"));

        Outcome o = inRepository(forgetful, "run", "toyos", "-w", "syscall", "--cpu", "trap-emulate", "--mem", "identity",
                "--impl", "labs", "-q");

        assertThat(o.exitCode()).as(o.err()).isEqualTo(VirtualizedRun.DIVERGED);
        assertThat(o.err()).isEmpty();
        assertThat(o.out()).contains("stopped:      MONITOR_ERROR")
                .containsPattern("detail: +identity paging: the guest's cr0 is 0x[0-9a-f]{8} but the real MMU's is still"
                        + " 0x[0-9a-f]{8}: the VMM emulated a write to cr0 without telling memory virtualization")
                .contains("call vm.memoryVirtualization().controlRegisterWritten(0)");
    }
}
