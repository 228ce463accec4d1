package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.grader.samples.WellBehavedSubmission;

/** Grading a submission that behaves: points, failures, prerequisites, checkpoints, visibility. */
class GraderTest {

    @TempDir
    Path dir;

    @Test
    void gradesEveryGradedTestAndNothingElse() {
        GradingReport report = Grading.grade(dir, WellBehavedSubmission.class);
        assertThat(report.results()).extracting(r -> r.test().number())
                .containsExactly("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9");
        assertThat(report.maxScore()).isEqualTo(23);
        // 2 + 3 + 0 + 0 + 0 + 2.5 + 3 + 2 + 1
        assertThat(report.score()).isEqualTo(13.5);
        assertThat(report.notes()).isEmpty();

        TestResult boots = report.results().get(0);
        assertThat(boots.status()).isEqualTo(TestStatus.PASSED);
        assertThat(boots.output()).contains("booting toyos");
        assertThat(boots.test().tags()).containsExactly("lab1");

        TestResult popf = report.results().get(2);
        assertThat(popf.status()).isEqualTo(TestStatus.FAILED);
        assertThat(popf.reason()).contains("guest diverged from bare metal at instruction 18,204")
                .doesNotContain("\n");
    }

    @Test
    void progressTellsOfEachTestThatRanAsItFinishes() {
        java.util.List<String> told = new java.util.ArrayList<>();
        GradingReport report = new Grader(dir.resolve("grader"), (test, status, took) ->
                told.add(test.number() + " " + status))
                .grade(GradingRequest.ofClasses(Grading.TEST_LIMITS, WellBehavedSubmission.class));

        assertThat(told).as("every test, as the report has it, in the order it ran")
                .containsExactlyElementsOf(report.results().stream()
                        .map(r -> r.test().number() + " " + r.status()).toList());
    }

    @Test
    void aTestWhosePrerequisiteFailedIsSkippedNotFailed() {
        GradingReport report = Grading.grade(dir, WellBehavedSubmission.class);
        assertThat(report.results().get(1).status()).isEqualTo(TestStatus.PASSED);
        TestResult isolated = report.results().get(3);
        assertThat(isolated.status()).isEqualTo(TestStatus.SKIPPED);
        assertThat(isolated.reason()).isEqualTo("skipped: 1.3 popf traps failed");
        assertThat(isolated.score()).isZero();
        TestResult chained = report.results().get(4);
        assertThat(chained.reason()).isEqualTo("skipped: 1.4 user mode is isolated failed");
    }

    @Test
    void checkpointsGivePartialCreditToAFailingTest() {
        GradingReport report = Grading.grade(dir, WellBehavedSubmission.class);
        TestResult partial = report.results().get(5);
        assertThat(partial.status()).isEqualTo(TestStatus.FAILED);
        assertThat(partial.score()).isEqualTo(2.5);
        assertThat(partial.checkpoints()).extracting(Checkpoint::name)
                .containsExactly("boots", "runs user code");
        assertThat(partial.reason()).startsWith("IllegalStateException: guest halted early")
                .contains("WellBehavedSubmission.java:");
        TestResult passed = report.results().get(6);
        assertThat(passed.score()).isEqualTo(3);
    }

    @Test
    void resultsJsonCarriesScoresStatusAndVisibility() {
        JsonNode json = Grading.resultsJson(Grading.grade(dir, WellBehavedSubmission.class));
        assertThat(json.get("score").asDouble()).isEqualTo(13.5);
        assertThat(Grading.test(json, "1.1").get("status").asText()).isEqualTo("passed");
        assertThat(Grading.test(json, "1.4").get("status").asText()).isEqualTo("failed");
        assertThat(Grading.test(json, "1.4").get("output").asText())
                .startsWith("skipped: 1.3 popf traps failed");
        assertThat(Grading.test(json, "1.6").get("output").asText())
                .contains("checkpoint reached: boots (+1)");
        assertThat(Grading.test(json, "1.8").get("visibility").asText()).isEqualTo("hidden");
        assertThat(Grading.test(json, "1.9").get("visibility").asText())
                .isEqualTo("after_due_date");
        assertThat(Grading.test(json, "1.1").get("visibility").asText()).isEqualTo("visible");
        assertThat(Grading.test(json, "1.1").get("tags").get(0).asText()).isEqualTo("lab1");
    }
}
