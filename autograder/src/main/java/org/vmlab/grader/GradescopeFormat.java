package org.vmlab.grader;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Checks a results.json against Gradescope's autograder specification: only the fields it
 * documents, with their types and values, and a total that is the sum of the tests' scores (when
 * there are tests). The grader's tests check every report with it, and so do the tests of the
 * Gradescope package.
 */
public final class GradescopeFormat {

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

    private GradescopeFormat() {
    }

    /** What is wrong with {@code root}, one line each; empty if it follows the specification. */
    public static List<String> problems(JsonNode root) {
        List<String> p = new ArrayList<>();
        if (root == null || !root.isObject()) {
            return List.of("results.json is not a JSON object");
        }
        unknownFields(root, TOP_LEVEL, "top level", p);
        check(root.path("score").isNumber(), "score is not a number", p);
        optional(root, "execution_time", JsonNode::isIntegralNumber, "a whole number", p);
        optional(root, "output", JsonNode::isTextual, "text", p);
        optional(root, "output_format", n -> FORMATS.contains(n.asText()), "a format", p);
        optional(root, "test_output_format", n -> FORMATS.contains(n.asText()), "a format", p);
        optional(root, "visibility", n -> VISIBILITIES.contains(n.asText()), "a visibility", p);
        optional(root, "stdout_visibility", n -> VISIBILITIES.contains(n.asText()), "a visibility", p);
        if (!root.has("tests")) {
            return p;
        }
        if (!root.get("tests").isArray()) {
            p.add("tests is not an array");
            return p;
        }
        double sum = 0;
        int i = 0;
        for (JsonNode test : root.get("tests")) {
            String where = "tests[" + i++ + "]";
            unknownFields(test, PER_TEST, where, p);
            check(test.path("name").isTextual(), where + ".name is not text", p);
            optional(test, "number", JsonNode::isTextual, "text", p);
            check(test.path("score").isNumber() && test.path("max_score").isNumber(),
                    where + ": score and max_score must be numbers", p);
            check(test.path("score").asDouble() >= 0
                    && test.path("score").asDouble() <= test.path("max_score").asDouble(),
                    where + ": score outside 0..max_score", p);
            check(Set.of("passed", "failed").contains(test.path("status").asText()),
                    where + ".status is not passed or failed", p);
            check(test.path("output").isTextual(), where + ".output is not text", p);
            check(test.path("tags").isArray(), where + ".tags is not an array", p);
            test.path("tags").forEach(tag -> check(tag.isTextual(), where + ": a tag is not text", p));
            check(VISIBILITIES.contains(test.path("visibility").asText()),
                    where + ".visibility is not a visibility", p);
            sum += test.path("score").asDouble();
        }
        if (i > 0) {
            check(Math.abs(root.path("score").asDouble() - sum) < 1e-6,
                    "score " + root.path("score").asDouble() + " is not the sum of the tests' scores " + sum, p);
        }
        return p;
    }

    private static void optional(JsonNode node, String field, java.util.function.Predicate<JsonNode> ok,
                                 String what, List<String> problems) {
        if (node.has(field)) {
            check(ok.test(node.get(field)), field + " is not " + what, problems);
        }
    }

    private static void check(boolean ok, String problem, List<String> problems) {
        if (!ok) {
            problems.add(problem);
        }
    }

    private static void unknownFields(JsonNode node, Set<String> allowed, String where, List<String> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                problems.add(where + ": field " + name + " is not in Gradescope's specification");
            }
        }
    }
}
