package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.grader.GradescopeFormat;
import org.vmlab.grader.labs.SolutionLeaks;

/**
 * The Gradescope package end to end, as Gradescope runs it: unzip into an autograder folder, run
 * setup.sh once (Java is here, so it installs nothing; its Maven runs offline, on what this build
 * fetched),
 * then run_autograder on submissions, and read the results.json each one writes.
 *
 * <p>An integration test (Failsafe): it builds vmlab in the package and grades twice, about a
 * minute on two cores.
 */
class GradescopePackageIT {

    @TempDir
    static Path dir;
    static Path autograder;

    @BeforeAll
    static void packageAndSetUp() throws Exception {
        assumeTrue(Files.isDirectory(Home.root().resolve("solutions")), "the instructors' repository");
        Path zip = dir.resolve("autograder.zip");
        VmlabTest.Outcome made = VmlabTest.vmlab("gradescope-package", "lab0", "--out", zip.toString());
        assertThat(made.exitCode()).as(made.err()).isZero();
        autograder = dir.resolve("autograder");
        unzip(zip, autograder.resolve("source"));
        assertThat(bash(autograder.resolve("source/setup.sh"), Map.of())).isZero();
    }

    /**
     * The reference for every class but Theorems, which snoops instead (files, the class path,
     * the working directory): the submission policy refuses the whole lab before any of its code
     * runs, every test of it (0.5 is hidden: the hidden tests are there) scores 0 with the
     * forbidden use as its reason, and nothing of the solutions is in the results.
     */
    @Test
    void aSnoopingSubmissionIsRefusedByThePolicyBeforeItRuns() throws Exception {
        Path submission = dir.resolve("snooping");
        Path lab0 = Files.createDirectories(submission.resolve("labs/src/main/java/org/vmlab/labs/lab0"));
        try (Stream<Path> reference = Files.list(Home.root().resolve("solutions/src/main/java/org/vmlab/labs/lab0"))) {
            for (Path file : reference.toList()) {
                Files.copy(file, lab0.resolve(file.getFileName()));
            }
        }
        Files.copy(Path.of("src/test/resources/submissions/snooping/Theorems.java"), lab0.resolve("Theorems.java"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        JsonNode results = grade(submission, dir.resolve("results-snooping"));

        assertThat(scores(results)).containsExactly("0.1 failed 0.0", "0.2 failed 0.0", "0.3 failed 0.0",
                "0.4 failed 0.0", "0.5 failed 0.0", "0.6 failed 0.0");
        assertThat(test(results, "0.3").get("output").asText())
                .startsWith("not run: your code breaks the submission policy: Theorems.java:")
                .doesNotContain("snooped");
        assertThat(SolutionLeaks.of(Home.root().resolve("solutions/src/main")).findIn(dir.resolve("results-snooping")))
                .isEmpty();
    }

    @Test
    void aSubmissionThatDoesNotCompileScoresZeroWithTheCompilersMessage() throws Exception {
        Path submission = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(submission.resolve("Classifier.java"),
                "package org.vmlab.labs.lab0;\npublic final class Classifier { int x = ; }\n");

        JsonNode results = grade(submission, dir.resolve("results-broken"));

        assertThat(results.get("score").asDouble()).isZero();
        assertThat(results.get("output").asText()).contains("Your code did not compile")
                .contains("labs/src/main/java/org/vmlab/labs/lab0/Classifier.java:[2,");
    }

    /** Runs run_autograder on {@code submission}; returns its results.json, checked. */
    private static JsonNode grade(Path submission, Path results) throws Exception {
        int exit = bash(autograder.resolve("source/run_autograder"),
                Map.of("SUBMISSION_DIR", submission.toString(), "RESULTS_DIR", results.toString()));
        assertThat(exit).as("run_autograder always exits 0").isZero();
        JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        assertThat(GradescopeFormat.problems(json)).as("results.json: %s", json).isEmpty();
        return json;
    }

    private static int bash(Path script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString())
                .directory(script.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(script.getFileName() + "-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("AUTOGRADER_ROOT", autograder.toString());
        // This build has fetched every plugin and dependency the package's build uses.
        pb.environment().put("VMLAB_MAVEN_FLAGS", "-o");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(script + " finished").isTrue();
        return p.exitValue();
    }

    private static List<String> scores(JsonNode results) {
        List<String> rows = new ArrayList<>();
        results.get("tests").forEach(t -> rows.add(t.get("number").asText() + " "
                + t.get("status").asText() + " " + t.get("score").asDouble()));
        return rows;
    }

    private static JsonNode test(JsonNode results, String number) {
        for (JsonNode t : results.get("tests")) {
            if (t.get("number").asText().equals(number)) {
                return t;
            }
        }
        throw new AssertionError("no test " + number + " in " + results);
    }

    private static void unzip(Path zip, Path to) throws IOException {
        try (InputStream file = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(file)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = to.resolve(e.getName()).normalize();
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.copy(in, target);
            }
        }
    }
}
