package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradescope's results.json when the grading itself failed, and with hostile output. */
class GradescopeReportTest {

    @Test
    void aFailedGradingScoresZeroAndAsksTheStudentToTellTheInstructor() {
        JsonNode json = Grading.resultsJson(SampleReports.graderFailed());
        assertThat(json.get("score").asDouble()).isZero();
        assertThat(json.get("output").asText())
                .startsWith("The grading itself failed: the test JVM could not start")
                .contains("No score was given.", "tell your instructor");
    }

    @Test
    void aFailedGradingGivesNoTestAnyPoints() {
        GradedTest test = SampleReports.test("org.vmlab.labs.lab1.Lab1Test", "1.1", "boots", 2,
                Visibility.VISIBLE);
        GradingReport report = new GradingReport(List.of(SampleReports.passed(test, "")),
                Duration.ZERO, "", RunDetails.startedAt(SampleReports.STARTED),
                "the test JVM ended before it reported");
        JsonNode json = Grading.resultsJson(report);
        assertThat(json.get("score").asDouble()).isZero();
        assertThat(Grading.test(json, "1.1").get("score").asDouble()).isZero();
    }

    @Test
    void hostileOutputIsEscaped() {
        JsonNode json = Grading.resultsJson(SampleReports.hostile());
        assertThat(Grading.test(json, "1.1").get("output").asText())
                .contains("\\u001b[31mred\\r\\rOVERWRITTEN")
                .doesNotContain("\u001b", "\r", "\u0000");
        assertThat(json.get("output").asText()).contains("note <script>")
                .doesNotContain("\u001b", "\r");
    }
}
