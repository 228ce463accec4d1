package org.vmlab.grader;

/**
 * A self-contained HTML page (no scripts, no external files): a failed grading first, in a
 * box; the total and the run details; then per lab a heading with its title and subtotal, a
 * table of its tests in the order of their numbers, and each test's output in a collapsible
 * block. The status is a symbol and a word, coloured on top; tests that students do not see at
 * once are marked. Everything from the tests is escaped.
 */
public record HtmlReport() implements Report {

    @Override
    public String render(GradingReport report) {
        String total = report.failed() ? "no score"
                : Scores.format(report.score()) + " / " + Scores.format(report.maxScore())
                        + " points";
        StringBuilder out = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>Grading: %s</title>
                <style>
                body { font-family: sans-serif; margin: 2em; }
                table { border-collapse: collapse; }
                th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left;
                         vertical-align: top; }
                td.points { text-align: right; }
                .passed { color: #176b25; } .failed { color: #b00020; } .skipped { color: #555; }
                .grader-failure { border: 3px solid #b00020; padding: 0.5em 1em;
                                  font-size: 1.2em; }
                .visibility { font-style: italic; }
                pre { background: #f6f6f6; padding: 0.5em; white-space: pre-wrap; }
                </style>
                </head>
                <body>
                """.formatted(Text.html(total)));
        if (report.failed()) {
            out.append("<p class=\"grader-failure\" role=\"alert\"><strong>")
                    .append(Text.html(Text.graderFailure(report))).append("</strong></p>\n");
            out.append("<h1>Grading failed: no score</h1>\n");
        } else {
            out.append("<h1>Grading: ").append(Text.html(total)).append("</h1>\n");
        }
        out.append("<p>Graded ").append(Text.html(Text.runDetails(report.details())))
                .append(".</p>\n");
        if (!report.notes().isEmpty()) {
            out.append("<pre>").append(Text.html(report.notes())).append("</pre>\n");
        }
        for (SuiteResults suite : SuiteResults.of(report)) {
            section(out, suite);
        }
        return out.append("</body>\n</html>\n").toString();
    }

    private static void section(StringBuilder out, SuiteResults suite) {
        out.append("<section>\n<h2>").append(Text.html(suite.title())).append("</h2>\n")
                .append("<p>").append(Text.html(suite.subtotal())).append("</p>\n");
        out.append("<table>\n<tr><th>#</th><th>Test</th><th>Points</th><th>Status</th>"
                + "<th>Reason</th></tr>\n");
        for (TestResult r : suite.results()) {
            String visibility = Text.visibility(r.test().visibility());
            out.append("<tr><td>").append(Text.html(r.test().number()))
                    .append("</td><td>").append(Text.html(r.test().name()));
            if (!visibility.isEmpty()) {
                out.append(" <span class=\"visibility\">(").append(Text.html(visibility))
                        .append(")</span>");
            }
            out.append("</td><td class=\"points\">").append(Scores.format(r.score()))
                    .append('/').append(Scores.format(r.test().points()))
                    .append("</td><td class=\"").append(Text.status(r.status())).append("\">")
                    .append(Text.statusWithSymbol(r.status()))
                    .append("</td><td>").append(Text.html(r.reason())).append("</td></tr>\n");
        }
        out.append("</table>\n");
        for (TestResult r : suite.results()) {
            if (!r.output().isEmpty()) {
                out.append("<details><summary>").append(Text.html(r.test().label()))
                        .append("</summary><pre>").append(Text.html(r.output()))
                        .append("</pre></details>\n");
            }
        }
        out.append("</section>\n");
    }
}
