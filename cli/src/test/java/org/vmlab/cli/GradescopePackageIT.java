package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * setup.sh once (Java is here, so it installs nothing; its Maven runs offline, on a copy of what
 * this build fetched),
 * then run_autograder on submissions, and read the results.json each one writes.
 *
 * <p>Run as root on Linux, the tests run as the test user, here {@value #TEST_USER} (so that no
 * account of the machine is made or changed).
 *
 * <p>An integration test (Failsafe): it builds vmlab in the package and runs run_autograder
 * five times, a few minutes on two cores.
 */
class GradescopePackageIT {
    /** The test user: one every Linux has, instead of the vmlab-student setup.sh would create. */
    static final String TEST_USER = "nobody";

    @TempDir
    static Path dir;
    static Path autograder;

    @BeforeAll
    static void packageAndSetUp() throws Exception {
        assumeTrue(Files.isDirectory(Home.root().resolve("solutions")), "the instructors' repository");
        // The test user must reach the package's Maven repository (setup.sh opens the rest).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path zip = dir.resolve("autograder.zip");
        VmlabTest.Outcome made = VmlabTest.vmlab("gradescope-package", "lab0", "--out", zip.toString());
        assertThat(made.exitCode()).as(made.err()).isZero();
        autograder = dir.resolve("autograder");
        unzip(zip, autograder.resolve("source"));
        seedMavenRepository(autograder.resolve("source/m2"));
        Run setup = bash(autograder.resolve("source/setup.sh"), Map.of());
        assertThat(setup.exit()).as(setup.log()).isZero();
    }

    /**
     * setup.sh builds offline here, with the package's own Maven repository: it gets what this
     * build fetched, as hard links where they can be (quick, and no copy of the bytes).
     */
    private static void seedMavenRepository(Path m2) throws Exception {
        Path local = Path.of(System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        for (String how : List.of("-al", "-a")) {
            Process cp = new ProcessBuilder("cp", how, local.toString(), m2.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (cp.waitFor(5, TimeUnit.MINUTES) && cp.exitValue() == 0) {
                return;
            }
            org.vmlab.grader.FileTrees.deleteRecursively(m2);
        }
        throw new AssertionError("could not copy " + local + " to " + m2);
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

        JsonNode results = grade(submission, dir.resolve("results-snooping")).results();

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

        JsonNode results = grade(submission, dir.resolve("results-broken")).results();

        assertThat(results.get("score").asDouble()).isZero();
        assertThat(results.get("output").asText()).contains("Your code did not compile")
                .containsPattern("(?m)^labs/src/main/java/org/vmlab/labs/lab0/Classifier\\.java:2:\\d+: ");
    }

    /**
     * A submission of stubs but for three tricks: a class of the grader's package behind a lab's
     * package in a comment, a JUnit service file and a junit-platform.properties (files the build
     * would take as resources). None is taken, and the results say so truthfully: every test
     * fails (score 0). Its Theorems says whom it runs as: the test user, when this runs as root.
     * And a results.json directory planted in the results folder does not stop the results.
     */
    @Test
    void tricksAreLeftOutTheTestsRunAsTheTestUserAndAPlantedResultsFolderIsReplaced() throws Exception {
        Path submission = Files.createDirectories(dir.resolve("tricks"));
        Files.writeString(submission.resolve("TestJvm.java"), """
                /* package org.vmlab.labs.lab0; */ package org.vmlab.grader;
                public final class TestJvm {
                    public static void main(String[] args) {
                        System.out.println("forged: every test passed");
                    }
                }
                """);
        Files.createDirectories(submission.resolve("META-INF/services"));
        Files.writeString(submission.resolve("META-INF/services/org.junit.platform.launcher.TestExecutionListener"),
                "org.vmlab.labs.lab0.Spy\n");
        Files.writeString(submission.resolve("junit-platform.properties"),
                "junit.jupiter.extensions.autodetection.enabled=true\n");
        Files.writeString(submission.resolve("Theorems.java"), """
                package org.vmlab.labs.lab0;

                import org.vmlab.machine.isa.IsaVariant;

                public final class Theorems {
                    private Theorems() {
                    }

                    public static boolean theorem1(IsaVariant isa) {
                        throw new IllegalStateException("ran as " + System.getProperty("user.name"));
                    }

                    public static boolean theorem3(IsaVariant isa) {
                        throw new IllegalStateException("ran as " + System.getProperty("user.name"));
                    }
                }
                """);
        Path resultsDir = dir.resolve("results-tricks");
        Files.createDirectories(resultsDir.resolve("results.json"));
        Files.writeString(resultsDir.resolve("results.json/planted"), "{\"score\": 100}");

        Graded graded = grade(submission, resultsDir);

        assertThat(graded.log()).contains(
                "run_autograder: left out TestJvm.java (package org.vmlab.grader, not a lab's",
                "run_autograder: left out META-INF/services/org.junit.platform.launcher.TestExecutionListener"
                        + " (not a .java file)",
                "run_autograder: left out junit-platform.properties (not a .java file)",
                "run_autograder: took 1 source file(s) from the submission");
        JsonNode results = graded.results();
        assertThat(results.get("score").asDouble()).isZero();
        assertThat(scores(results)).containsExactly("0.1 failed 0.0", "0.2 failed 0.0", "0.3 failed 0.0",
                "0.4 failed 0.0", "0.5 failed 0.0", "0.6 failed 0.0");
        boolean root = "root".equals(System.getProperty("user.name"))
                && System.getProperty("os.name").startsWith("Linux");
        assertThat(test(results, "0.3").get("output").asText())
                .contains("ran as " + (root ? TEST_USER : System.getProperty("user.name")));
    }

    /**
     * When there is nothing to grade with (no vmlab tree), the fallback results.json is written,
     * even over a symbolic link planted at its name, which is replaced, not followed.
     */
    @Test
    void theFallbackReplacesAPlantedSymbolicLink() throws Exception {
        Path resultsDir = Files.createDirectories(dir.resolve("results-fallback"));
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.json"), "untouched");
        Files.createSymbolicLink(resultsDir.resolve("results.json"), elsewhere);

        Run run = bash(autograder.resolve("source/run_autograder"), Map.of("SUBMISSION_DIR",
                dir.resolve("tricks").toString(), "RESULTS_DIR", resultsDir.toString(),
                "VMLAB_SOURCE", dir.resolve("no-such-tree").toString()));

        assertThat(run.exit()).isZero();
        assertThat(resultsDir.resolve("results.json")).isRegularFile();
        assertThat(Files.isSymbolicLink(resultsDir.resolve("results.json"))).isFalse();
        assertThat(elsewhere).hasContent("untouched");
        JsonNode json = new ObjectMapper().readTree(resultsDir.resolve("results.json").toFile());
        assertThat(GradescopeFormat.problems(json)).as("results.json: %s", json).isEmpty();
        assertThat(json.get("output").asText()).startsWith("The autograder could not grade this submission (");
    }

    /**
     * When vmlab grade ends with a status that is no grade (here 2: the package names a lab the
     * tree does not have), the fixed message is the result, not a results.json already there.
     */
    @Test
    void aGraderThatStopsWithoutGradingGivesTheFixedMessage() throws Exception {
        Path otherRoot = dir.resolve("autograder-lab99");
        Path source = Files.createDirectories(otherRoot.resolve("source"));
        Files.writeString(source.resolve("labs.txt"), "lab99\n");
        Files.createSymbolicLink(source.resolve("m2"), autograder.resolve("source/m2"));
        Path submission = Files.createDirectories(dir.resolve("empty"));
        Path resultsDir = Files.createDirectories(dir.resolve("results-lab99"));
        Files.writeString(resultsDir.resolve("results.json"), "{\"score\": 100, \"tests\": []}");

        Run run = bash(autograder.resolve("source/run_autograder"), Map.of("AUTOGRADER_ROOT", otherRoot.toString(),
                "VMLAB_SOURCE", autograder.resolve("source/vmlab").toString(),
                "SUBMISSION_DIR", submission.toString(), "RESULTS_DIR", resultsDir.toString()));

        assertThat(run.exit()).isZero();
        assertThat(run.log()).contains("unknown lab 'lab99'");
        JsonNode json = new ObjectMapper().readTree(resultsDir.resolve("results.json").toFile());
        assertThat(GradescopeFormat.problems(json)).as("results.json: %s", json).isEmpty();
        assertThat(json.get("score").asDouble()).isZero();
        assertThat(json.get("output").asText()).isEqualTo("The autograder could not grade this submission"
                + " (the grader stopped with exit status 2). Please tell your instructor.");
    }

    /** A results.json and what run_autograder printed. */
    record Graded(JsonNode results, String log) {
    }

    /** What a script printed and its exit code. */
    record Run(int exit, String log) {
    }

    /** Runs run_autograder on {@code submission}; returns its results.json, checked. */
    private static Graded grade(Path submission, Path results) throws Exception {
        Run run = bash(autograder.resolve("source/run_autograder"),
                Map.of("SUBMISSION_DIR", submission.toString(), "RESULTS_DIR", results.toString()));
        assertThat(run.exit()).as("run_autograder always exits 0").isZero();
        Path file = results.resolve("results.json");
        assertThat(file).as(run.log()).isRegularFile();
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(GradescopeFormat.problems(json)).as("results.json: %s", json).isEmpty();
        return new Graded(json, run.log());
    }

    private static Run bash(Path script, Map<String, String> env) throws Exception {
        Path log = dir.resolve(script.getFileName() + "-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString())
                .directory(script.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("AUTOGRADER_ROOT", autograder.toString());
        // This build has fetched every plugin and dependency the package's build uses.
        pb.environment().put("VMLAB_MAVEN_FLAGS", "-o");
        pb.environment().put("VMLAB_TEST_USER", TEST_USER);
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(script + " finished").isTrue();
        return new Run(p.exitValue(), Files.readString(log));
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
