package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.asm.Sources.errors;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.image.Image;

class IncludeTest {

    private static Image assemble(Map<String, String> files, String main) throws AssemblyException {
        return new Assembler(SourceLoader.of(files)).assemble(main);
    }

    @Test
    void includesAreRelativeToTheIncludingFile() throws AssemblyException {
        Image image = assemble(Map.of(
                "os/main.s", ".include \"lib/defs.inc\"\n.word CONSOLE",
                "os/lib/defs.inc", ".include \"../common.inc\"\nCONSOLE = 0x3f8",
                "os/common.inc", "nop"), "os/main.s");
        assertThat(image.segments().get(0).wordAt(0)).isEqualTo(0x01000000);
        assertThat(image.segments().get(0).wordAt(4)).isEqualTo(0x3f8);
    }

    @Test
    void errorsInsideAnIncludedFileNameThatFile() {
        assertThat(errors(Map.of("main.s", "nop\n.include \"x.inc\"", "x.inc", "\n  frob r1"), "main.s"))
                .containsExactly("x.inc:2:3: unknown mnemonic 'frob'");
    }

    @Test
    void missingInclude() {
        assertThat(errors(Map.of("main.s", "  .include \"nope.inc\""), "main.s"))
                .containsExactly("main.s:1:12: cannot find include file \"nope.inc\"");
    }

    @Test
    void includeCycle() {
        assertThat(errors(Map.of("a.s", ".include \"b.s\"", "b.s", ".include \"a.s\""), "a.s"))
                .containsExactly("b.s:1:10: include cycle: a.s -> b.s -> a.s");
    }

    @Test
    void missingMainFile() {
        assertThat(errors(Map.of(), "main.s")).containsExactly("main.s:1:1: cannot read source file: no such file");
    }

    @Test
    void classpathLoaderReadsResources(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // a class loader over a directory stands in for the jar that ships the guest sources
        java.nio.file.Files.createDirectories(dir.resolve("guests/lib"));
        java.nio.file.Files.writeString(dir.resolve("guests/hello.s"),
                ".include \"lib/console.inc\"\nmessage: .asciz \"hi\"\n.align 4\n.word CONSOLE_DATA");
        java.nio.file.Files.writeString(dir.resolve("guests/lib/console.inc"), "CONSOLE_DATA = 0x3f8");
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, null)) {
            Image image = new Assembler(SourceLoader.classpath(loader)).assemble("guests/hello.s");
            assertThat(image.symbols().address("message")).contains(0);
            assertThat(image.segments().get(0).wordAt(4)).isEqualTo(0x3f8);
        }
    }

    @Test
    void fileSystemLoaderResolvesRelativeToTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("inc"));
        java.nio.file.Files.writeString(dir.resolve("main.s"), ".include \"inc/a.inc\"\nhlt");
        java.nio.file.Files.writeString(dir.resolve("inc/a.inc"), "nop");
        Image image = new Assembler(SourceLoader.fileSystem()).assemble(dir.resolve("main.s").toString());
        assertThat(image.segments().get(0).size()).isEqualTo(8);
    }
}
