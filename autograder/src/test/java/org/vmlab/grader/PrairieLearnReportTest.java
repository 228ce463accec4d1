package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PrairieLearn's external grader results, as its documentation describes them
 * (https://docs.prairielearn.com/externalGrading/, "Grading results").
 */
class PrairieLearnReportTest {

    private static final Set<String> TOP_LEVEL = Set.of("gradable", "score", "message",
            "output", "format_errors", "tests");
    private static final Set<String> PER_TEST = Set.of("name", "description", "points",
            "max_points", "message", "output");

    private static JsonNode render(GradingReport report) throws Exception {
        JsonNode root = new ObjectMapper().readTree(new PrairieLearnReport().render(report));
        assertThat(root.properties()).allSatisfy(f -> assertThat(TOP_LEVEL).contains(f.getKey()));
        assertThat(root.get("gradable").isBoolean()).isTrue();
        assertThat(root.get("score").isNumber()).isTrue();
        assertThat(root.get("score").asDouble()).isBetween(0.0, 1.0);
        assertThat(root.get("message").isTextual()).isTrue();
        assertThat(root.get("output").isTextual()).isTrue();
        for (JsonNode test : root.get("tests")) {
            assertThat(test.properties()).extracting(e -> e.getKey())
                    .containsExactlyInAnyOrderElementsOf(PER_TEST);
            assertThat(test.get("points").asDouble())
                    .isBetween(0.0, test.get("max_points").asDouble());
        }
        return root;
    }

    @Test
    void theScoreIsTheFractionOfPointsEarnedAndTestsCarryTheirPoints() throws Exception {
        JsonNode root = render(SampleReports.twoLabs());
        assertThat(root.get("gradable").asBoolean()).isTrue();
        assertThat(root.get("score").asDouble()).isEqualTo(0.5714);
        assertThat(root.get("message").asText())
                .isEqualTo("Score: 8 / 14 points: 2 passed, 1 failed, 1 skipped");
        assertThat(root.get("output").asText())
                .isEqualTo("Graded 2025-01-31T09:15:02Z, implementation labs, commit 1a2b3c4.");
        JsonNode tests = root.get("tests");
        assertThat(tests).extracting(t -> t.get("name").asText()).containsExactly(
                "2.2 maps guest memory", "hidden test", "hidden test",
                "10.1 migrates a running guest");
        assertThat(tests.get(0).get("points").asDouble()).isEqualTo(3);
        assertThat(tests.get(0).get("max_points").asDouble()).isEqualTo(3);
        assertThat(tests.get(0).get("description").asText())
                .isEqualTo("Lab 2: Memory virtualization");
        assertThat(tests.get(0).get("output").asText()).isEqualTo("mapped 16 pages\n");
    }

    @Test
    void aTestStudentsDoNotSeeAtOnceKeepsItsPointsButNotItsDetails() throws Exception {
        JsonNode tests = render(SampleReports.twoLabs()).get("tests");
        assertThat(tests.get(1).get("max_points").asDouble()).isEqualTo(2);
        assertThat(tests.get(2).get("max_points").asDouble()).isEqualTo(4);
        for (JsonNode hidden : List.of(tests.get(1), tests.get(2))) {
            assertThat(hidden.get("message").asText()).isEmpty();
            assertThat(hidden.get("output").asText()).isEmpty();
        }
        assertThat(tests.toString()).doesNotContain("page faults", "shadow", "stale");
    }

    @Test
    void nothingToEarnScoresZero() throws Exception {
        GradedTest free = SampleReports.test("org.vmlab.labs.lab0.Lab0Test", "0.1", "reads", 0,
                Visibility.VISIBLE);
        GradingReport report = new GradingReport(List.of(SampleReports.passed(free, "")),
                Duration.ZERO, "");
        assertThat(render(report).get("score").asDouble()).isZero();
        assertThat(PrairieLearnReport.fraction(0, 0)).isZero();
        assertThat(PrairieLearnReport.fraction(3, 2)).isEqualTo(1);
    }

    @Test
    void aFailedGradingIsNotGradableAndSaysWhy() throws Exception {
        JsonNode root = render(SampleReports.graderFailed());
        assertThat(root.get("gradable").asBoolean()).isFalse();
        assertThat(root.get("score").asDouble()).isZero();
        assertThat(root.get("message").asText()).startsWith("The grading itself failed:")
                .contains("No score was given.", "tell your instructor");
        assertThat(root.get("format_errors")).extracting(JsonNode::asText).containsExactly(
                "the test JVM could not start: java: not found", "no graded test ran");
    }

    @Test
    void hostileOutputIsEscaped() throws Exception {
        JsonNode root = render(SampleReports.hostile());
        String output = root.get("tests").get(0).get("output").asText();
        assertThat(output).contains("\\u001b[31mred\\r\\rOVERWRITTEN")
                .doesNotContain("\u001b", "\r", "\u0000");
        assertThat(root.get("message").asText()).doesNotContain("\u001b", "\r");
    }
}
