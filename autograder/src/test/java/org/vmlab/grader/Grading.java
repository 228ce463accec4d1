package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

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

    private static final Set<String> TOP_LEVEL = Set.of("score", "execution_time", "output",
            "output_format", "test_output_format", "test_name_format", "visibility",
            "stdout_visibility", "extra_data", "tests", "leaderboard");
    private static final Set<String> PER_TEST = Set.of("score", "max_score", "status", "name",
            "name_format", "number", "output", "output_format", "tags", "visibility",
            "extra_data");
    private static final Set<String> VISIBILITIES = Set.of("hidden", "after_due_date",
            "after_published", "visible");
    private static final Set<String> FORMATS = Set.of("text", "html", "simple_format", "md",
            "ansi");

    /** Fails unless {@code root} has only the fields, types and values Gradescope documents. */
    static void checkGradescopeFormat(JsonNode root) {
        assertThat(root.isObject()).isTrue();
        assertThat(fields(root)).isSubsetOf(TOP_LEVEL);
        assertThat(root.get("score").isNumber()).as("score is a number").isTrue();
        assertThat(root.get("execution_time").isIntegralNumber()).isTrue();
        assertThat(root.get("output").isTextual()).isTrue();
        assertThat(root.get("output_format").asText()).isIn(FORMATS);
        assertThat(root.get("test_output_format").asText()).isIn(FORMATS);
        assertThat(root.get("visibility").asText()).isIn(VISIBILITIES);
        assertThat(root.get("stdout_visibility").asText()).isIn(VISIBILITIES);
        assertThat(root.get("tests").isArray()).isTrue();
        double sum = 0;
        for (JsonNode test : root.get("tests")) {
            assertThat(fields(test)).isSubsetOf(PER_TEST);
            assertThat(test.get("name").isTextual()).isTrue();
            if (test.has("number")) {
                assertThat(test.get("number").isTextual()).isTrue();
            }
            assertThat(test.get("score").isNumber()).isTrue();
            assertThat(test.get("max_score").isNumber()).isTrue();
            assertThat(test.get("score").asDouble()).isBetween(0.0,
                    test.get("max_score").asDouble());
            assertThat(test.get("status").asText()).isIn("passed", "failed");
            assertThat(test.get("output").isTextual()).isTrue();
            assertThat(test.get("tags").isArray()).isTrue();
            test.get("tags").forEach(tag -> assertThat(tag.isTextual()).isTrue());
            assertThat(test.get("visibility").asText()).isIn(VISIBILITIES);
            sum += test.get("score").asDouble();
        }
        assertThat(root.get("score").asDouble()).isCloseTo(sum,
                org.assertj.core.data.Offset.offset(1e-6));
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
