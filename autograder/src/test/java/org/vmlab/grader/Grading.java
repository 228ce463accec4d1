package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Helpers for the grader's tests: short limits, and a strict check of results.json. */
final class Grading {

    /** Small and quick: 64 MB, 2 s per test, 2 KB of output, a JVM that starts fast. */
    static final Limits TEST_LIMITS = new Limits(64, Duration.ofSeconds(2), 2048,
            List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto"));

    private Grading() {
    }

    /** Grades the sample classes on this JVM's classpath. */
    static GradingReport grade(Path workDir, Class<?>... samples) {
        return new Grader(workDir.resolve("grader"))
                .grade(GradingRequest.ofClasses(TEST_LIMITS, samples));
    }

    /**
     * Grades a sample built on {@code BetweenTwoPassingTests}, checks that the grading itself
     * did not fail and that tests 1 and 3 kept their points while test 2 failed, and returns
     * test 2's result.
     */
    static TestResult misbehaving(Path workDir, Class<?> sample) {
        GradingReport report = grade(workDir, sample);
        JsonNode json = resultsJson(report);
        assertThat(report.failed()).as("the grading itself did not fail").isFalse();
        assertThat(test(json, "1").get("score").asDouble()).isEqualTo(1);
        assertThat(test(json, "3").get("score").asDouble()).isEqualTo(2);
        assertThat(test(json, "2").get("status").asText()).isEqualTo("failed");
        TestResult bad = report.results().get(1);
        assertThat(bad.status()).isEqualTo(TestStatus.FAILED);
        assertThat(json.get("score").asDouble()).isEqualTo(3 + bad.score());
        return bad;
    }

    /** The results.json of {@code report}, parsed, after checking it against the specification. */
    static JsonNode resultsJson(GradingReport report) {
        try {
            JsonNode root = new ObjectMapper().readTree(new GradescopeReport().render(report));
            checkGradescopeFormat(root);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry of {@code tests[]} numbered {@code number}. */
    static JsonNode test(JsonNode results, String number) {
        for (JsonNode test : results.get("tests")) {
            if (test.path("number").asText().equals(number)) {
                return test;
            }
        }
        throw new AssertionError("no test numbered " + number + " in " + results);
    }

    /** Fails unless {@code root} has only the fields, types and values Gradescope documents. */
    static void checkGradescopeFormat(JsonNode root) {
        assertThat(GradescopeFormat.problems(root)).as("results.json against Gradescope's specification")
                .isEmpty();
    }
}
