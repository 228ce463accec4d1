package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertThat(exitingTest(report).reason()).isEqualTo("not run: System.exit(5) called"
                + " by the code under test (while starting ExitInStaticInitializerSubmission)");
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
                .isEqualTo("not run: System.exit(5) called by the code under test"
                        + " (while starting ExitInStaticInitializerSubmission)");
        assertThat(report.notes()).contains("A new test JVM runs the 1 test left.");
    }

    @Test
    void aClassThatDoesNotExistGivesAValidEmptyReport() {
        GradingReport report = new Grader(dir.resolve("g")).grade(new GradingRequest(
                List.of("org.vmlab.NoSuchTest"), List.of(), GradingRequest.currentClasspath(),
                Grading.TEST_LIMITS));
        JsonNode json = Grading.resultsJson(report);
        assertThat(json.get("tests")).isEmpty();
        assertThat(json.get("score").asDouble()).isZero();
    }

    @Test
    void aBrokenClasspathGivesAValidReportThatSaysSo() {
        GradingReport report = new Grader(dir.resolve("g")).grade(new GradingRequest(
                List.of(WellBehavedSubmission.class.getName()), List.of(), "/nonexistent",
                Grading.TEST_LIMITS));
        Grading.resultsJson(report);
        assertThat(report.notes()).contains("No graded test could run: the test JVM died");
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

    /** The result of the test whose class exits while it is being loaded. */
    private static TestResult exitingTest(GradingReport report) {
        return report.results().stream()
                .filter(r -> r.test().className().endsWith("ExitInStaticInitializerSubmission"))
                .findFirst().orElseThrow();
    }
}
