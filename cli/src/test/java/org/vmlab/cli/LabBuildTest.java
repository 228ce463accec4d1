package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A student's edit is compiled in seconds, without Maven: only when a source is newer than the
 * classes, into the module's build output, replacing every old class; a source that does not
 * compile is reported as file:line:col and leaves the last good classes in place.
 */
class LabBuildTest {
    @TempDir
    Path module;

    private final StringWriter told = new StringWriter();
    private LabBuild build;
    private Path source;
    private Path classes;

    @BeforeEach
    void aModuleWhoseClassesWereBuiltOnce() throws IOException {
        source = module.resolve("src/main/java/org/vmlab/labs/lab9/Answer.java");
        classes = module.resolve("target/classes/org/vmlab/labs");
        Files.createDirectories(source.getParent());
        Files.createDirectories(classes);
        write(source, "package org.vmlab.labs.lab9;\npublic class Answer { public int value() { return 41; } }\n");
        Path services = module.resolve("src/main/resources/META-INF/services/org.vmlab.vmm.CpuTechnique");
        Files.createDirectories(services.getParent());
        write(services, "org.vmlab.labs.lab9.Answer\n");
        build = new LabBuild(module, new PrintWriter(told, true));
        assertThat(build.upToDate()).as("never compiled: compiles").isTrue();
    }

    @Test
    void nothingChangedCompilesNothing() {
        assertThat(build.changedSources()).isEmpty();
        assertThat(build.upToDate()).isFalse();
    }

    @Test
    void anEditedSourceIsCompiledAndTheOldClassesAndResourcesAreReplaced() throws IOException {
        Path stale = classes.resolve("lab9/Removed.class");
        Files.write(stale, new byte[] {1});
        write(source, "package org.vmlab.labs.lab9;\npublic class Answer { public int value() { return 42; } }\n");
        Files.setLastModifiedTime(source, FileTime.fromMillis(System.currentTimeMillis() + 5_000));

        assertThat(build.changedSources()).containsExactly(source);
        assertThat(build.upToDate()).isTrue();

        assertThat(classes.resolve("lab9/Answer.class")).exists();
        assertThat(stale).as("a class whose source is gone goes too").doesNotExist();
        assertThat(module.resolve("target/classes/META-INF/services/org.vmlab.vmm.CpuTechnique")).exists();
        assertThat(told.toString()).contains("compiling", "src/main/java/org/vmlab/labs/lab9/Answer.java changed",
                "compiled");
        assertThat(build.upToDate()).as("and then it is up to date").isFalse();
    }

    @Test
    void aSourceThatDoesNotCompileIsReportedByFileLineAndColumnAndTheOldClassesStay() throws IOException {
        byte[] before = Files.readAllBytes(classes.resolve("lab9/Answer.class"));
        write(source, "package org.vmlab.labs.lab9;\npublic class Answer {\n  int value() { return 42 }\n}\n");
        Files.setLastModifiedTime(source, FileTime.fromMillis(System.currentTimeMillis() + 5_000));

        assertThatThrownBy(build::upToDate).isInstanceOfSatisfying(UserError.class, e -> {
            assertThat(e.located()).isTrue();
            assertThat(e.getMessage()).containsPattern("Answer\\.java:3:\\d+: ';' expected")
                    .contains("does not compile; the last classes that did are left in place");
        });
        assertThat(classes.resolve("lab9/Answer.class")).hasBinaryContent(before);
    }

    @Test
    void classesNeverBuiltAskForTheFirstBuild() throws IOException {
        LabBuild unbuilt = new LabBuild(module.resolve("elsewhere"), new PrintWriter(told, true));

        assertThatThrownBy(unbuilt::upToDate).isInstanceOf(UserError.class)
                .hasMessageContaining("is missing: build first");
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
    }
}
