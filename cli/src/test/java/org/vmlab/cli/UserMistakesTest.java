package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.vmlab.cli.VmlabTest.vmlab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.asm.Assembler;
import org.vmlab.cli.VmlabTest.Outcome;

/**
 * Every user mistake on the command line is one line on standard error, naming what is wrong,
 * and exit code 2, before any work: never a stack trace. Sizes out of their range, inputs that
 * are no program (missing, a folder, a device, empty, binary, not UTF-8, not an image), -D in
 * any form the assembler would not take, and output places that cannot take the output (the
 * root of the file system, the kernel's file systems, a file where a folder is expected, a path
 * under a file).
 */
class UserMistakesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void programsGoodAndBad() throws Exception {
        Files.writeString(dir.resolve("ok.s"), "start:\n    hlt\n");
        Files.createDirectories(dir.resolve("folder.s"));
        Files.writeString(dir.resolve("empty.s"), "");
        Files.writeString(dir.resolve("comments.s"), "; nothing but a comment\n");
        Files.write(dir.resolve("binary.s"), new byte[] {'h', 'l', 0, 't', 0x7f, (byte) 0x80});
        Files.write(dir.resolve("latin1.s"), "start:\n    hlt ; caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(dir.resolve("text.img"), "start:\n    hlt\n");
        Files.writeString(dir.resolve("empty.img"), "");
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        Assembler.assembleSource("ok.s", "start:\n    hlt\n", java.util.Map.of()).write(image);
        Files.write(dir.resolve("image.s"), image.toByteArray());
        Files.writeString(dir.resolve("file"), "x");
        Files.writeString(dir.resolve("includes-zero.s"), ".include \"/dev/zero\"\nstart:\n    hlt\n");
        Files.writeString(dir.resolve("includes-binary.s"), ".include \"binary.s\"\nstart:\n    hlt\n");
    }

    /** A command line (DIR stands for the fixtures' folder) and what its one line must say. */
    static Stream<Arguments> mistakes() {
        return Stream.of(
                // sizes out of their range, and counts that are no numbers
                mistake("run toyos --fuel 0", "'0' is out of range: 1..10G"),
                mistake("run toyos --fuel 11G", "'11G' is out of range: 1..10G"),
                mistake("run toyos --fuel 99999999999G", "is out of range: 1..10G"),
                mistake("run toyos --fuel lots", "'lots' is not a count (like 50000000 or 50M)"),
                mistake("run toyos --memory 0", "'0' is out of range: 1..1024 MiB"),
                mistake("run toyos --memory -1", "'-1' is out of range: 1..1024 MiB"),
                mistake("run toyos --memory 99999999999", "is out of range: 1..1024 MiB"),
                mistake("run toyos --memory 16M", "'16M' is not a whole number (1..1024 MiB)"),
                mistake("run toyos --tlb 1073741824", "'1073741824' is out of range: 1..1048576 entries"),
                mistake("run toyos --tlb 0", "'0' is out of range: 1..1048576 entries"),
                mistake("run toyos --tlb 48", "'48' is not a power of two (1, 2, 4, ..., 1048576)"),
                mistake("run toyos --cpu trap-emulate --vms 0", "'0' is out of range: 1..8"),
                mistake("run toyos --cpu trap-emulate --vms 9", "'9' is out of range: 1..8"),
                mistake("experiment nanobench -n 0", "'0' is out of range: 1..100000"),
                mistake("experiment nanobench --iterations 99999999999", "is out of range: 1..100000"),
                mistake("grade lab0 --heap 63", "'63' is out of range: 64..8192 MB"),
                mistake("grade lab0 --heap 1000000", "'1000000' is out of range: 64..8192 MB"),
                mistake("grade lab0 --timeout 0", "'0' is out of range: 1..3600 seconds"),
                mistake("grade lab0 --timeout 86400", "'86400' is out of range: 1..3600 seconds"),
                // options that do not apply
                mistake("run toyos --mem identity", "--mem needs a VMM: add --cpu trap-emulate"),
                mistake("run toyos --vms 2", "--vms needs a VMM: add --cpu trap-emulate"),
                mistake("run toyos --impl labs", "--impl needs a VMM: add --cpu trap-emulate"),
                mistake("run DIR/ok.s --flavor paravirt", "--flavor applies to toyos only"),
                mistake("run toyos --flavor paravirt", "the paravirtual kernel calls a hypervisor, which bare"
                        + " metal is not: run it with --cpu paravirt --mem pv-mmu"),
                mistake("run toyos --counters", "--counters needs a VMM: add --cpu trap-emulate"),
                mistake("run toyos --cpu paravirt --mem pv-mmu --lockstep", "--lockstep compares bare metal and the"
                        + " VM instruction by instruction, which needs the same kernel on both sides"),
                mistake("run toyos --cpu paravirt --mem pv-mmu --flavor native", "--cpu paravirt runs a paravirtual"
                        + " kernel: leave out --flavor native"),
                mistake("run toyos --cpu trap-emulate --flavor paravirt", "calls a hypervisor that"
                        + " trap-emulate does not offer: run it with --cpu paravirt --mem pv-mmu"),
                mistake("run toyos -D DEBUG", "-D defines a symbol for the assembler: it applies to a .s guest only"),
                // -D as the assembler would not take it
                mistake("asm DIR/ok.s -D X=lots", "'lots' is not a number (like 16, 0x10, 0b10000, -1 or 'A')"),
                mistake("asm DIR/ok.s -D X=", "'' is not a number"),
                mistake("asm DIR/ok.s -D X=0x100000000", "'0x100000000' does not fit in 32 bits"),
                mistake("asm DIR/ok.s -D X=0b102", "'0b102' is not a number"),
                mistake("asm DIR/ok.s -D =5", "a define needs a name: NAME=VALUE"),
                mistake("asm DIR/ok.s -D 1X=3", "'1X' is not a symbol name"),
                mistake("asm DIR/ok.s -D a-b=3", "'a-b' is not a symbol name"),
                mistake("asm DIR/ok.s -D r1=3", "'r1' is a register name and cannot be a symbol"),
                // inputs that are no program
                mistake("run DIR/missing.s", "missing.s: no such file"),
                mistake("run DIR/folder.s", "folder.s is a folder, not a file"),
                mistake("asm DIR/folder.s", "folder.s is a folder, not a file"),
                mistake("run /dev/null", "/dev/null is not a regular file"),
                mistake("run /proc/self/mem", "/proc/self/mem is on the kernel's proc file system: not a program file"),
                mistake("run DIR/includes-zero.s", "includes-zero.s:1:10: cannot read include file \"/dev/zero\": not a regular file"),
                mistake("run DIR/includes-binary.s", "includes-binary.s:1:10: cannot read include file \"binary.s\": not a text file"),
                mistake("run DIR/empty.s", "empty.s is empty: nothing to assemble"),
                mistake("asm DIR/comments.s", "comments.s: nothing to assemble: no instruction or data in it"),
                mistake("asm DIR/binary.s", "binary.s: not a text file (a NUL byte at line 1, column 3)"),
                mistake("run DIR/latin1.s", "latin1.s: not UTF-8 text (byte 0xe9 at line 2, column 14)"),
                mistake("disasm DIR/image.s", "image.s: not assembly source but a vmlab image"),
                mistake("run DIR/text.img", "text.img: not a vmlab image (bad magic number); it is text: an assembly"
                        + " source is named FILE.s"),
                mistake("disasm DIR/empty.img", "empty.img is empty, not a vmlab image"),
                // output places that cannot take the output
                mistake("grade lab0 --out /", "--out / is the root of the file system"),
                mistake("grade lab0 --out /proc/vmlab", "--out /proc/vmlab is on the kernel's proc file system"),
                mistake("grade lab0 --out DIR/file", "--out DIR/file is a file, not a folder"),
                mistake("grade lab0 --out DIR/file/results", "DIR/file is a file, not a folder"),
                mistake("export-handout --out /", "--out / is the root of the file system"),
                mistake("export-handout --out /proc/vmlab", "--out /proc/vmlab is on the kernel's proc file system"),
                mistake("export-handout --out /sys/vmlab", "--out /sys/vmlab is on the kernel's sysfs file system"),
                mistake("export-handout --out DIR/file/starter", "DIR/file is a file, not a folder"),
                mistake("gradescope-package --out /", "--out / is the root of the file system"),
                mistake("gradescope-package --out /proc/lab.zip", "--out /proc/lab.zip is on the kernel's proc file system"),
                mistake("gradescope-package --out DIR/file/lab.zip", "DIR/file is a file, not a folder"),
                mistake("asm DIR/ok.s -o DIR/folder.s", "-o DIR/folder.s is a folder, not a file"),
                mistake("asm DIR/ok.s -o /proc/ok.img", "-o /proc/ok.img is on the kernel's proc file system"),
                mistake("asm DIR/ok.s -o DIR/ok.s", "ok.s is the source itself"),
                mistake("run toyos --cpu trap-emulate --trace /proc/trace.json", "--trace /proc/trace.json is on the kernel's"),
                mistake("run toyos --cpu trap-emulate --trace DIR/file/trace.json", "DIR/file is a file, not a folder"),
                mistake("demo --json DIR/file/demo.json", "DIR/file is a file, not a folder"));
    }

    private static Arguments mistake(String commandLine, String says) {
        return Arguments.of(commandLine, says);
    }

    @ParameterizedTest(name = "vmlab {0}")
    @MethodSource("mistakes")
    void isOneLineOnStandardErrorAndExitCode2(String commandLine, String says) {
        String[] args = Arrays.stream(commandLine.split(" ")).map(UserMistakesTest::inDir).toArray(String[]::new);

        Outcome o = vmlab(args);

        assertThat(o.exitCode()).as(o.err()).isEqualTo(Vmlab.USAGE);
        assertThat(o.err().lines()).as(o.err()).hasSize(1);
        assertThat(o.err()).as("vmlab: ..., or file:line:col: ... where a source says it")
                .matches("(?s)(vmlab: |\\S+:\\d+:\\d+: ).*").contains(inDir(says))
                .doesNotContain("Exception", "\tat ", "at org.", "internal error");
        assertThat(o.out()).as("refused before any work").isEmpty();
    }

    private static String inDir(String text) {
        return text.replace("DIR", dir.toString());
    }

    @Test
    void aRefusedOutputPlaceIsLeftAsItWas() throws IOException {
        Path starter = dir.resolve("file/starter");

        vmlab("export-handout", "--out", starter.toString());
        vmlab("asm", dir.resolve("ok.s").toString(), "-o", dir.resolve("ok.s").toString());

        assertThat(dir.resolve("file")).hasContent("x");
        assertThat(dir.resolve("ok.s")).hasContent("start:\n    hlt\n");
        assertThat(Files.list(Path.of("/")).map(p -> p.getFileName().toString()))
                .doesNotContain("results.json", "summary.txt");
    }

    @Test
    void defineValuesAreNumbersAsTheAssemblerWritesThem() throws IOException {
        Path source = Files.writeString(dir.resolve("define.s"), String.join("\n",
                "start:",
                "    li r2, CHAR",
                "    out 0x3f8, r2",
                "    hlt",
                ""));
        for (String value : List.of("65", "0x41", "0X41", "0b0100_0001", "'A'", "+65")) {
            Outcome o = vmlab("run", source.toString(), "-q", "-D", "CHAR=" + value);

            assertThat(o.exitCode()).as(value + ": " + o.err()).isZero();
        }
        Outcome shown = vmlab("run", source.toString(), "-D", "CHAR=0x41");
        assertThat(shown.out()).startsWith("A\n");
    }

    @Test
    void anUnreadableInputOrOutputPlaceIsOneLine(@TempDir Path here) throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads and writes anything");
        Path secret = Files.writeString(here.resolve("secret.s"), "start:\n    hlt\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Path readOnly = Files.createDirectories(here.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Outcome unreadable = vmlab("run", secret.toString());
            Outcome grade = vmlab("grade", "lab0", "--out", readOnly.toString());
            Outcome asm = vmlab("asm", dir.resolve("ok.s").toString(), "-o", readOnly.resolve("ok.img").toString());

            assertThat(unreadable.err().strip()).isEqualTo("vmlab: " + secret + ": cannot read it (permission denied)");
            assertThat(grade.err().strip()).isEqualTo("vmlab: --out " + readOnly
                    + ": cannot write in this folder (permission denied)");
            assertThat(asm.err().strip()).isEqualTo("vmlab: -o " + readOnly.resolve("ok.img")
                    + ": cannot write there (permission denied)");
            assertThat(List.of(unreadable.exitCode(), grade.exitCode(), asm.exitCode())).containsOnly(Vmlab.USAGE);
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
