package org.vmlab.grader;

/**
 * Markdown for a CI job summary (GitHub Actions' {@code $GITHUB_STEP_SUMMARY}): the total, then a
 * table with one row per test. Cell text is escaped so that output cannot break the table.
 */
public record MarkdownReport() implements Report {

    @Override
    public String render(GradingReport report) {
        StringBuilder out = new StringBuilder("## Grading: ")
                .append(Scores.format(report.score())).append(" / ")
                .append(Scores.format(report.maxScore())).append(" points\n\n");
        out.append("| # | Test | Points | Status | Reason |\n")
                .append("|---|------|-------:|--------|--------|\n");
        for (TestResult r : report.results()) {
            out.append("| ").append(Text.markdownCell(r.test().number()))
                    .append(" | ").append(Text.markdownCell(r.test().name()))
                    .append(" | ").append(Scores.format(r.score())).append('/')
                    .append(Scores.format(r.test().points()))
                    .append(" | ").append(icon(r.status())).append(' ')
                    .append(Text.status(r.status()))
                    .append(" | ").append(Text.markdownCell(r.reason())).append(" |\n");
        }
        if (!report.notes().isEmpty()) {
            out.append('\n');
            report.notes().lines().forEach(line -> out.append("> ")
                    .append(Text.markdownCell(line)).append('\n'));
        }
        return out.toString();
    }

    private static String icon(TestStatus status) {
        return switch (status) {
            case PASSED -> "✅";
            case FAILED -> "❌";
            case SKIPPED -> "⏭️";
        };
    }
}
