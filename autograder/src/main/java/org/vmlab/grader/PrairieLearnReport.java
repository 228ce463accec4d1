package org.vmlab.grader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * PrairieLearn's external grader results, which the grading container writes to
 * {@code /grade/results/results.json} (https://docs.prairielearn.com/externalGrading/, "Grading
 * results"): top level {@code gradable}, {@code score} (a fraction in [0, 1]: the points earned
 * over the points available, 0 when none are available), {@code message} (the total and the
 * run's notes) and {@code output} (the run details); per test {@code name} (its label),
 * {@code description} (its lab's title), {@code points}, {@code max_points}, {@code message}
 * (the reason it did not pass) and {@code output} (checkpoints reached and the details).
 *
 * <p>When the grading itself failed, {@code gradable} is false, which PrairieLearn documents as
 * "no points will be awarded or lost, and the student will not be penalized an attempt"; the
 * score is 0, and the message and {@code format_errors} say why.
 *
 * <p>PrairieLearn shows the whole file to the student at once and has no notion of visibility,
 * so a test that is not {@link Visibility#VISIBLE} keeps its points but not its name, message or
 * output: it is listed as "hidden test".
 */
public record PrairieLearnReport() implements Report {

    /** The name under which a test that is not visible is listed. */
    static final String HIDDEN_NAME = "hidden test";

    @Override
    public String render(GradingReport report) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("gradable", !report.failed());
        root.put("score", report.failed() ? 0 : fraction(report.score(), report.maxScore()));
        root.put("message", message(report));
        root.put("output", "Graded " + Text.runDetails(report.details()) + ".");
        if (report.failed()) {
            ArrayNode errors = root.putArray("format_errors");
            Text.printable(report.graderFailure()).lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).forEach(errors::add);
        }
        ArrayNode tests = root.putArray("tests");
        for (SuiteResults suite : SuiteResults.of(report)) {
            for (TestResult r : suite.results()) {
                ObjectNode test = tests.addObject();
                boolean visible = r.test().visibility() == Visibility.VISIBLE;
                test.put("name", visible ? Text.printable(r.test().label()) : HIDDEN_NAME);
                test.put("description", Text.printable(suite.title()));
                test.put("points", report.failed() ? 0 : r.score());
                test.put("max_points", r.test().points());
                test.put("message", visible ? Text.printable(r.reason()) : "");
                test.put("output", visible ? output(r) : "");
            }
        }
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code score / max} in [0, 1], rounded like points; 0 when nothing could be earned. */
    static double fraction(double score, double max) {
        return max > 0 ? Scores.round(Math.min(1, Math.max(0, score / max))) : 0;
    }

    private static String message(GradingReport report) {
        String total = report.failed()
                ? Text.graderFailure(report) + " Please tell your instructor: this is a problem"
                        + " with the grading, not necessarily with your code."
                : "Score: " + Text.subtotal(report.score(), report.maxScore(),
                        report.count(TestStatus.PASSED), report.count(TestStatus.FAILED),
                        report.count(TestStatus.SKIPPED));
        return report.notes().isEmpty() ? total : total + "\n" + Text.printable(report.notes());
    }

    private static String output(TestResult r) {
        StringBuilder out = new StringBuilder();
        for (Checkpoint c : r.checkpoints()) {
            out.append("checkpoint reached: ").append(c.name()).append(" (+")
                    .append(Scores.format(c.points())).append(")\n");
        }
        if (!r.output().isEmpty() && !r.output().strip().equals(r.reason().strip())) {
            out.append(r.output());
        }
        return Text.printable(out.toString());
    }
}
