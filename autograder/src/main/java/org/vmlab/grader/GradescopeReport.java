package org.vmlab.grader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * Gradescope's {@code results.json}, with the fields of Gradescope's autograder specification:
 * top level {@code score}, {@code execution_time} (whole seconds), {@code output},
 * {@code output_format}, {@code test_output_format}, {@code visibility},
 * {@code stdout_visibility} and {@code tests}; per test {@code name}, {@code number} (when
 * set), {@code score}, {@code max_score}, {@code status} ({@code passed} or {@code failed};
 * Gradescope has no "skipped", so a skipped test is failed with its reason as output),
 * {@code output}, {@code tags} and {@code visibility}.
 *
 * <p>When the grading itself failed, no score is a grade: the submission and every test get 0,
 * and the top-level output says that the grading failed and why, and asks the student to tell
 * the instructor (the code under test may be fine). Text from the tests is made
 * {@linkplain Text#printable printable}.
 *
 * @param visibility       the submission's visibility
 * @param stdoutVisibility whether students see the autograder's own standard output
 */
public record GradescopeReport(Visibility visibility, Visibility stdoutVisibility)
        implements Report {

    /** Visible results; the autograder's standard output hidden (it may name hidden tests). */
    public GradescopeReport() {
        this(Visibility.VISIBLE, Visibility.HIDDEN);
    }

    @Override
    public String render(GradingReport report) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("score", report.failed() ? 0 : report.score());
        root.put("execution_time", Math.max(0, Math.round(report.executionTime().toMillis()
                / 1000.0)));
        root.put("output", summary(report));
        root.put("output_format", "text");
        root.put("test_output_format", "text");
        root.put("visibility", visibility.gradescopeName());
        root.put("stdout_visibility", stdoutVisibility.gradescopeName());
        ArrayNode tests = root.putArray("tests");
        for (TestResult r : report.results()) {
            ObjectNode test = tests.addObject();
            test.put("name", Text.printable(r.test().name()));
            if (!r.test().number().isEmpty()) {
                test.put("number", r.test().number());
            }
            test.put("score", report.failed() ? 0 : r.score());
            test.put("max_score", r.test().points());
            test.put("status", r.status() == TestStatus.PASSED ? "passed" : "failed");
            test.put("output", output(r));
            ArrayNode tags = test.putArray("tags");
            r.test().tags().forEach(tags::add);
            test.put("visibility", r.test().visibility().gradescopeName());
        }
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String summary(GradingReport report) {
        if (report.failed()) {
            return Text.graderFailure(report) + "\nPlease tell your instructor: this is a"
                    + " problem with the grading, not necessarily with your code."
                    + (report.notes().isEmpty() ? "" : "\n" + Text.printable(report.notes()));
        }
        String total = "Score: " + Scores.format(report.score()) + "/"
                + Scores.format(report.maxScore()) + " (" + report.count(TestStatus.PASSED)
                + " passed, " + report.count(TestStatus.FAILED) + " failed, "
                + report.count(TestStatus.SKIPPED) + " skipped)";
        return report.notes().isEmpty() ? total : total + "\n" + Text.printable(report.notes());
    }

    private static String output(TestResult r) {
        StringBuilder out = new StringBuilder();
        if (!r.reason().isEmpty()) {
            out.append(r.reason()).append('\n');
        }
        for (Checkpoint c : r.checkpoints()) {
            out.append("checkpoint reached: ").append(c.name()).append(" (+")
                    .append(Scores.format(c.points())).append(")\n");
        }
        if (!r.output().isEmpty() && !r.output().strip().equals(r.reason())) {
            out.append('\n').append(r.output());
        }
        return Text.printable(out.toString());
    }
}
