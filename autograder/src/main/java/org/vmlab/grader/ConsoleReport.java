package org.vmlab.grader;

import java.util.ArrayList;
import java.util.List;

/**
 * The table a student reads in the terminal: one row per test (number, name, points, status,
 * one-line reason), then the total. A failed grading is said on the first line. Text from the
 * tests is made {@linkplain Text#printable printable}, so that it cannot rewrite the terminal.
 */
public record ConsoleReport() implements Report {

    private static final int NAME_WIDTH = 40;
    private static final int REASON_WIDTH = 100;

    @Override
    public String render(GradingReport report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "test", "points", "status", "reason"});
        for (TestResult r : report.results()) {
            rows.add(new String[] {r.test().number(), Text.oneLine(r.test().name(), NAME_WIDTH),
                Scores.format(r.score()) + "/" + Scores.format(r.test().points()),
                Text.status(r.status()), Text.oneLine(r.reason(), REASON_WIDTH)});
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        if (report.failed()) {
            out.append(Text.graderFailure(report)).append('\n');
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 2 ? pad(row[i], widths[i], true) : pad(row[i], widths[i], false))
                        .append("  ");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        out.append("total: ").append(Scores.format(report.score())).append('/')
                .append(Scores.format(report.maxScore())).append(" points, ")
                .append(report.count(TestStatus.PASSED)).append(" passed, ")
                .append(report.count(TestStatus.FAILED)).append(" failed, ")
                .append(report.count(TestStatus.SKIPPED)).append(" skipped\n");
        if (!report.notes().isEmpty()) {
            out.append(Text.printable(report.notes())).append('\n');
        }
        return out.toString();
    }

    private static String pad(String text, int width, boolean right) {
        String spaces = " ".repeat(width - text.length());
        return right ? spaces + text : text + spaces;
    }
}
