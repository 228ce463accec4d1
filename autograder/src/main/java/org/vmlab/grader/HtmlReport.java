package org.vmlab.grader;

/**
 * A self-contained HTML page (no scripts, no external files): the total, a table of tests, and
 * each test's output in a collapsible block. Everything from the tests is escaped.
 */
public record HtmlReport() implements Report {

    @Override
    public String render(GradingReport report) {
        String total = Scores.format(report.score()) + " / " + Scores.format(report.maxScore());
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
                .passed { color: #176b25; } .failed { color: #b00020; } .skipped { color: #777; }
                pre { background: #f6f6f6; padding: 0.5em; white-space: pre-wrap; }
                </style>
                </head>
                <body>
                <h1>Grading: %s points</h1>
                """.formatted(Text.html(total), Text.html(total)));
        if (!report.notes().isEmpty()) {
            out.append("<pre>").append(Text.html(report.notes())).append("</pre>\n");
        }
        out.append("<table>\n<tr><th>#</th><th>Test</th><th>Points</th><th>Status</th>"
                + "<th>Reason</th></tr>\n");
        for (TestResult r : report.results()) {
            String status = Text.status(r.status());
            out.append("<tr><td>").append(Text.html(r.test().number()))
                    .append("</td><td>").append(Text.html(r.test().name()))
                    .append("</td><td class=\"points\">").append(Scores.format(r.score()))
                    .append('/').append(Scores.format(r.test().points()))
                    .append("</td><td class=\"").append(status).append("\">").append(status)
                    .append("</td><td>").append(Text.html(r.reason())).append("</td></tr>\n");
        }
        out.append("</table>\n");
        for (TestResult r : report.results()) {
            if (r.output().isEmpty()) {
                continue;
            }
            out.append("<details><summary>").append(Text.html(r.test().label()))
                    .append("</summary><pre>").append(Text.html(r.output()))
                    .append("</pre></details>\n");
        }
        return out.append("</body>\n</html>\n").toString();
    }
}
