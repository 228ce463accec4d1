package org.vmlab.grader.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.labs.lab7.CleanLabCode;
import org.vmlab.labs.lab8.RogueLabCode;

/** The submission policy, on compiled lab code laid out as a lab build writes it. */
class SubmissionPolicyTest {

    @TempDir
    Path classes;

    /** Copies the class files of {@code type} (and its nested classes) into the folder. */
    private void compiled(Class<?> type) throws IOException {
        String folder = type.getPackageName().replace('.', '/');
        Path source = Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath())
                .resolve(folder);
        Path target = Files.createDirectories(classes.resolve(folder));
        try (var files = Files.list(source)) {
            for (Path file : files.filter(f -> f.getFileName().toString()
                    .startsWith(type.getSimpleName())).toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
    }

    private void file(String relative, String text) throws IOException {
        Path file = classes.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void labCodeThatUsesTheLanguageFreelyIsClean() throws IOException {
        compiled(CleanLabCode.class);
        file("META-INF/services/org.vmlab.vmm.CpuTechnique", "# ours\norg.vmlab.labs.lab7.CleanLabCode\n");
        SubmissionPolicy.Verdict verdict = new SubmissionPolicy().check(classes);
        assertThat(verdict.lines()).isEmpty();
        assertThat(verdict.clean()).isTrue();
        assertThat(verdict.refusal("org.vmlab.labs.lab7")).isEmpty();
    }

    @Test
    void everyForbiddenUseIsOneLineWithItsPlaceAndReason() throws IOException {
        compiled(RogueLabCode.class);
        SubmissionPolicy.Verdict verdict = new SubmissionPolicy().check(classes);
        List<String> lines = verdict.lines();
        String at = "RogueLabCode.java:";
        String cls = " (org.vmlab.labs.lab8.RogueLabCode): ";
        assertThat(lines).contains(
                at + "20" + cls + "System.exit: exiting the JVM",
                at + "23" + cls + "Class.forName: reflection, which could reach past what the"
                        + " tests hand your code",
                at + "31" + cls + "List.parallelStream: threads, which could outlive the"
                        + " test or act during another",
                at + "34" + cls + "System.loadLibrary: native code",
                at + "39" + cls + "declares finalize(): it runs on the JVM's finalizer thread,"
                        + " outside any test");
        for (int line : new int[] {21, 22, 24, 25, 26, 27, 28, 29, 30, 32, 33}) {
            assertThat(lines).as("line %d", line).anyMatch(l -> l.startsWith(at + line + cls));
        }
        assertThat(lines).anyMatch(l -> l.startsWith(at + "30" + cls + "System.setOut"))
                .anyMatch(l -> l.startsWith(at + "30" + cls + "PrintStream.<init>: files"));
        assertThat(lines).as("one line per forbidden class and place")
                .filteredOn(l -> l.startsWith(at + "21" + cls)).hasSize(1);
        assertThat(verdict.refusal("org.vmlab.labs.lab8")).hasValueSatisfying(r ->
                assertThat(r).startsWith("not run: your code breaks the submission policy: "
                        + "RogueLabCode.java:").contains(" more)"));
        assertThat(verdict.refusal("org.vmlab.labs.lab7")).as("another lab").isEmpty();
    }

    @Test
    void anythingOutsideTheLabsPackagesRefusesEveryLab() throws IOException {
        compiled(CleanLabCode.class);
        try (InputStream grader = getClass().getResourceAsStream(
                "/org/vmlab/grader/TestJvm.class")) {
            Path fake = Files.createDirectories(classes.resolve("org/vmlab/grader"));
            Files.write(fake.resolve("TestJvm.class"), grader.readAllBytes());
        }
        file("junit-platform.properties", "junit.jupiter.extensions.autodetection.enabled=true\n");
        file("META-INF/services/org.junit.jupiter.api.extension.Extension", "org.vmlab.labs.lab7.X\n");
        file("META-INF/services/org.vmlab.vmm.MemoryTechnique", "org.vmlab.grader.Evil\n");
        SubmissionPolicy.Verdict verdict = new SubmissionPolicy().check(classes);
        assertThat(verdict.layout()).extracting(Violation::where).containsExactlyInAnyOrder(
                "META-INF/services/org.junit.jupiter.api.extension.Extension",
                "META-INF/services/org.vmlab.vmm.MemoryTechnique",
                "junit-platform.properties", "org/vmlab/grader/TestJvm.class");
        assertThat(verdict.refusal("org.vmlab.labs.lab7")).hasValueSatisfying(r ->
                assertThat(r).startsWith("not run: the submission breaks the submission policy: "));
        assertThat(verdict.lines()).contains("META-INF/services/org.vmlab.vmm.MemoryTechnique:"
                + " registers org.vmlab.grader.Evil, which is not a class of a lab's package");
    }
}
