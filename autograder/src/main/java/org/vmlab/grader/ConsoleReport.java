package org.vmlab.grader;

import java.util.ArrayList;
import java.util.List;

/**
 * The table a student reads in the terminal, no wider than {@code width} columns: one row per
 * test (number, name, points, status), the name wrapped onto more lines where it is long, and
 * under a test that did not pass its reason, wrapped, on lines of its own; then the total. A
 * failed grading is said on the first line. Text from the tests is made
 * {@linkplain Text#printable printable}, so that it cannot rewrite the terminal.
 *
 * <p>The {@linkplain #forFile() version for a file}, which {@code summary.txt} holds, cuts no
 * reason and ends with the full text of every test that did not pass: its failure, where it
 * happened and what it printed.
 *
 * @param width    the most columns a line of the table takes (at least {@link #MIN_WIDTH})
 * @param fullText where the full text of every failure is, said in the footer when a test did
 *                 not pass (empty: not said)
 * @param complete whether reasons are whole and the full texts follow the table
 */
public record ConsoleReport(int width, String fullText, boolean complete) implements Report {

    /** The width of a terminal that is not asked: the table fits 100 columns. */
    public static final int DEFAULT_WIDTH = 100;
    /** Narrower than this, a name's column would be too thin to read. */
    public static final int MIN_WIDTH = 60;
    /** How many lines of a reason the table shows; the reports have the rest. */
    static final int REASON_LINES = 6;
    private static final String GAP = "  ";
    private static final String REASON_MARK = "> ";

    public ConsoleReport {
        if (width < MIN_WIDTH) {
            throw new IllegalArgumentException("a console table needs at least " + MIN_WIDTH + " columns");
        }
    }

    /** The 100-column table for a terminal, saying where the full text is. */
    public ConsoleReport(int width, String fullText) {
        this(width, fullText, false);
    }

    /** The 100-column table, with no pointer to the full text. */
    public ConsoleReport() {
        this(DEFAULT_WIDTH, "");
    }

    /** The version for a file: every reason whole, and the full text of each failure after the table. */
    public static ConsoleReport forFile() {
        return new ConsoleReport(DEFAULT_WIDTH, "", true);
    }

    @Override
    public String render(GradingReport report) {
        List<String[]> rows = new ArrayList<>();
        for (TestResult r : report.results()) {
            rows.add(new String[] {Text.printable(r.test().number()),
                Scores.format(r.score()) + "/" + Scores.format(r.test().points()), Text.status(r.status())});
        }
        int numberWidth = widest(rows, 0, "#");
        int pointsWidth = widest(rows, 1, "points");
        int statusWidth = widest(rows, 2, "status");
        int indent = numberWidth + GAP.length();
        int nameWidth = Math.max(MIN_WIDTH / 3, width - indent - GAP.length() - pointsWidth - GAP.length() - statusWidth);
        StringBuilder out = new StringBuilder();
        if (report.failed()) {
            Text.wrap(Text.graderFailure(report), width, Integer.MAX_VALUE).forEach(l -> out.append(l).append('\n'));
        }
        out.append(row("#", numberWidth, "test", nameWidth, "points", pointsWidth, "status", statusWidth));
        boolean cut = false;
        for (int i = 0; i < rows.size(); i++) {
            TestResult r = report.results().get(i);
            List<String> name = Text.wrap(r.test().name(), nameWidth, Integer.MAX_VALUE);
            out.append(row(rows.get(i)[0], numberWidth, name.isEmpty() ? "" : name.get(0), nameWidth,
                    rows.get(i)[1], pointsWidth, rows.get(i)[2], statusWidth));
            for (String more : name.subList(Math.min(1, name.size()), name.size())) {
                out.append(" ".repeat(indent)).append(more).append('\n');
            }
            if (r.status() != TestStatus.PASSED && !r.reason().isBlank()) {
                int reasonWidth = width - indent - REASON_MARK.length();
                int most = complete ? Integer.MAX_VALUE : REASON_LINES;
                List<String> reason = Text.wrap(r.reason(), reasonWidth, most);
                cut |= reason.size() == most
                        && Text.wrap(r.reason(), reasonWidth, most + 1).size() > most;
                for (int line = 0; line < reason.size(); line++) {
                    out.append(" ".repeat(indent)).append(line == 0 ? REASON_MARK : " ".repeat(REASON_MARK.length()))
                            .append(reason.get(line)).append('\n');
                }
            }
        }
        out.append("total: ").append(Scores.format(report.score())).append('/')
                .append(Scores.format(report.maxScore())).append(" points, ")
                .append(report.count(TestStatus.PASSED)).append(" passed, ")
                .append(report.count(TestStatus.FAILED)).append(" failed, ")
                .append(report.count(TestStatus.SKIPPED)).append(" skipped\n");
        if (!report.notes().isEmpty()) {
            out.append(Text.printable(report.notes())).append('\n');
        }
        if (complete) {
            appendFullTexts(report, out);
        }
        if (!fullText.isEmpty() && report.count(TestStatus.PASSED) < report.results().size()) {
            String lead = cut ? "Reasons longer than " + REASON_LINES + " lines are cut here. " : "";
            Text.wrap(lead + "The full text of each failure, with its output and where it happened: "
                    + fullText, width, Integer.MAX_VALUE).forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    /** After the table: each test that did not pass, with everything it reported. */
    private static void appendFullTexts(GradingReport report, StringBuilder out) {
        for (TestResult r : report.results()) {
            if (r.status() == TestStatus.PASSED || r.output().isBlank()) {
                continue;
            }
            out.append("\n--- ").append(Text.printable(r.test().number())).append(' ')
                    .append(Text.oneLine(r.test().name(), DEFAULT_WIDTH)).append(": ")
                    .append(Text.status(r.status())).append(" ---\n")
                    .append(Text.printable(r.output().stripTrailing())).append('\n');
        }
    }

    private static int widest(List<String[]> rows, int column, String heading) {
        int widest = heading.length();
        for (String[] row : rows) {
            widest = Math.max(widest, row[column].length());
        }
        return widest;
    }

    private static String row(String number, int numberWidth, String name, int nameWidth, String points,
                              int pointsWidth, String status, int statusWidth) {
        String line = pad(number, numberWidth, false) + GAP + pad(name, nameWidth, false) + GAP
                + pad(points, pointsWidth, true) + GAP + status;
        return line.stripTrailing() + '\n';
    }

    private static String pad(String text, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - text.length()));
        return right ? spaces + text : text + spaces;
    }
}
