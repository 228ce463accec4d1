package org.vmlab.grader;

/**
 * Markdown for a CI job summary (GitHub Actions' {@code $GITHUB_STEP_SUMMARY}): the total and the
 * run details, then per lab a heading with its title and subtotal and a table with one row per
 * test, in the order of the tests' numbers. A failed grading comes first, in a quote block. The
 * status is a symbol and a word; tests that students do not see at once are marked. Cell text is
 * escaped so that output cannot break the table.
 */
public record MarkdownReport() implements Report {

    @Override
    public String render(GradingReport report) {
        StringBuilder out = new StringBuilder();
        if (report.failed()) {
            out.append("## Grading failed: no score\n\n")
                    .append("> ❗ **").append(Text.markdownCell(Text.graderFailure(report)))
                    .append("**\n\n");
        } else {
            out.append("## Grading: ").append(Scores.format(report.score())).append(" / ")
                    .append(Scores.format(report.maxScore())).append(" points\n\n");
        }
        out.append("Graded ").append(Text.markdownCell(Text.runDetails(report.details())))
                .append(".\n");
        if (!report.notes().isEmpty()) {
            out.append('\n');
            report.notes().lines().forEach(line -> out.append("> ")
                    .append(Text.markdownCell(line)).append('\n'));
        }
        for (SuiteResults suite : SuiteResults.of(report)) {
            out.append("\n### ").append(Text.markdownCell(suite.title())).append(" — ")
                    .append(suite.subtotal()).append("\n\n");
            out.append("| # | Test | Points | Status | Reason |\n")
                    .append("|---|------|-------:|--------|--------|\n");
            for (TestResult r : suite.results()) {
                row(out, r);
            }
        }
        return out.toString();
    }

    private static void row(StringBuilder out, TestResult r) {
        String visibility = Text.visibility(r.test().visibility());
        out.append("| ").append(Text.markdownCell(r.test().number()))
                .append(" | ").append(Text.markdownCell(r.test().name()))
                .append(visibility.isEmpty() ? "" : " _(" + visibility + ")_")
                .append(" | ").append(Scores.format(r.score())).append('/')
                .append(Scores.format(r.test().points()))
                .append(" | ").append(Text.statusWithSymbol(r.status()))
                .append(" | ").append(Text.markdownCell(r.reason())).append(" |\n");
    }
}
