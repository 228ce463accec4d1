package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.grader.samples.ExitInStaticInitializerSubmission;
import org.vmlab.grader.samples.ForgerySubmission;
import org.vmlab.grader.samples.WellBehavedSubmission;

/** Runs in which the grader cannot do what it was asked, and attempts to fool it. */
class GraderEdgeCasesTest {

    @TempDir
    Path dir;

    @Test
    void anExitWhileStartingAClassFailsThatClassAndGradesTheOthers() {
        GradingReport report = Grading.grade(dir, ExitInStaticInitializerSubmission.class,
                WellBehavedSubmission.class);
        JsonNode json = Grading.resultsJson(report);
        assertThat(json.get("output").asText()).contains("System.exit(5)");
        assertThat(report.results()).hasSize(10);
        assertThat(exitingTest(report).reason()).isEqualTo("not run: System.exit(5) called by"
                + " the code under test at ExitInStaticInitializerSubmission.java:11 (while starting ExitInStaticInitializerSubmission)");
        assertThat(report.score()).isEqualTo(13.5);
    }

    @Test
    void testsThatFinishedBeforeAnExitOutsideAnyTestKeepTheirPoints() {
        GradingReport report = Grading.grade(dir, WellBehavedSubmission.class,
                ExitInStaticInitializerSubmission.class);
        Grading.resultsJson(report);
        assertThat(report.results()).hasSize(10);
        assertThat(report.score()).isEqualTo(13.5);
        assertThat(exitingTest(report).reason())
                .isEqualTo("not run: System.exit(5) called by the code under test at"
                        + " ExitInStaticInitializerSubmission.java:11"
                        + " (while starting ExitInStaticInitializerSubmission)");
        assertThat(report.notes()).contains("A new test JVM runs the 1 test left.");
    }

    @Test
    void aClassWithoutGradedTestsIsTheGradersFailureNotAZero() {
        GradingReport report = new Grader(dir.resolve("g")).grade(new GradingRequest(
                List.of("org.vmlab.NoSuchTest"), List.of("org.vmlab.nosuchpackage"),
                GradingRequest.currentClasspath(), Grading.TEST_LIMITS));
        JsonNode json = Grading.resultsJson(report);
        assertThat(json.get("tests")).isEmpty();
        assertThat(report.failed()).isTrue();
        assertThat(report.graderFailure()).isEqualTo(
                "no graded test found in class org.vmlab.NoSuchTest\n"
                        + "no graded test found in package org.vmlab.nosuchpackage");
    }

    @Test
    void aSuiteWithoutGradedTestsFailsTheRunEvenBesideOneWithTests() {
        GradingReport report = new Grader(dir.resolve("g")).grade(new GradingRequest(
                List.of(WellBehavedSubmission.class.getName(), "org.vmlab.NoSuchTest"), List.of(),
                GradingRequest.currentClasspath(), Grading.TEST_LIMITS));
        assertThat(report.failed()).isTrue();
        assertThat(report.graderFailure()).isEqualTo(
                "no graded test found in class org.vmlab.NoSuchTest");
    }

    @Test
    void aBrokenClasspathIsTheGradersFailureAndSaysWhy() {
        GradingReport report = new Grader(dir.resolve("g")).grade(new GradingRequest(
                List.of(WellBehavedSubmission.class.getName()), List.of(), "/nonexistent",
                Grading.TEST_LIMITS));
        Grading.resultsJson(report);
        assertThat(report.failed()).isTrue();
        assertThat(report.graderFailure()).startsWith("the test JVM could not start (exit code 1):"
                + " Error: Could not find or load main class org.vmlab.grader.TestJvm");
        assertThat(report.results()).isEmpty();
    }

    @Test
    void aJvmOptionThatStopsTheJvmIsTheGradersFailure() {
        for (List<String> options : List.of(List.of("-XX:+Bogus"), List.of("-Xmx2000000000m"),
                List.of("-Xms200m", "-Xmx100m"))) {
            GradingReport report = new Grader(dir.resolve("g")).grade(
                    GradingRequest.ofClasses(Grading.TEST_LIMITS.withJvmOptions(options),
                            WellBehavedSubmission.class));
            assertThat(report.failed()).as("%s", options).isTrue();
            assertThat(report.graderFailure()).as("%s", options)
                    .startsWith("the test JVM could not start (exit code 1): ");
            assertThat(report.score()).isZero();
        }
    }

    @Test
    void printedEventLinesCannotForgeAResult() {
        GradingReport report = Grading.grade(dir, ForgerySubmission.class);
        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(TestStatus.FAILED);
            assertThat(r.reason()).isEqualTo("not done");
        });
    }

    @Test
    void theGradersWorkDirectoryIsRemoved() {
        Grading.grade(dir, ForgerySubmission.class);
        assertThat(dir.resolve("grader")).isEmptyDirectory();
    }

    @Test
    void aRefusedPackageIsDiscoveredButNotRunAndTheOthersAreGraded() {
        GradingRequest request = new GradingRequest(List.of(),
                List.of("org.vmlab.grader.samples.refused", "org.vmlab.grader.samples.allowed"),
                GradingRequest.currentClasspath(), Grading.TEST_LIMITS);
        GradingReport report = new Grader(dir.resolve("g")).grade(request, Map.of(
                "org.vmlab.grader.samples.refused", "not run: your code breaks the policy"));
        Grading.resultsJson(report);
        assertThat(report.failed()).isFalse();
        assertThat(report.results()).extracting(r -> r.test().methodName() + " "
                + r.status() + " " + r.reason()).containsExactlyInAnyOrder(
                "wouldExit FAILED not run: your code breaks the policy",
                "passes PASSED ");
    }

    /** The result of the test whose class exits while it is being loaded. */
    private static TestResult exitingTest(GradingReport report) {
        return report.results().stream()
                .filter(r -> r.test().className().endsWith("ExitInStaticInitializerSubmission"))
                .findFirst().orElseThrow();
    }
}
