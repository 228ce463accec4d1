package org.vmlab.grader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes every report of one run into a directory, under fixed file names. */
public final class Reports {

    /** Gradescope's file name, which its harness reads from {@code /autograder/results/}. */
    public static final String RESULTS_JSON = "results.json";
    /**
     * PrairieLearn's results, which its grading container copies to
     * {@code /grade/results/results.json}.
     */
    public static final String PRAIRIELEARN_JSON = "prairielearn-results.json";
    /** The JUnit XML file name; the {@code TEST-} prefix is what CI servers look for. */
    public static final String JUNIT_XML = "TEST-vmlab-grading.xml";
    /** The Markdown summary. */
    public static final String MARKDOWN = "summary.md";
    /** The HTML page. */
    public static final String HTML = "report.html";
    /** The console table, as a file. */
    public static final String CONSOLE = "summary.txt";

    private Reports() {
    }

    /** The reports by file name, in the order they are written. */
    public static Map<String, Report> all() {
        Map<String, Report> reports = new LinkedHashMap<>();
        reports.put(RESULTS_JSON, new GradescopeReport());
        reports.put(PRAIRIELEARN_JSON, new PrairieLearnReport());
        reports.put(JUNIT_XML, new JunitXmlReport());
        reports.put(MARKDOWN, new MarkdownReport());
        reports.put(HTML, new HtmlReport());
        reports.put(CONSOLE, ConsoleReport.forFile());
        return reports;
    }

    /**
     * Writes every report of {@code report} into {@code dir}, creating it if needed.
     *
     * @throws IOException naming every report that could not be written, after writing the rest
     */
    public static void writeAll(GradingReport report, Path dir) throws IOException {
        // One report that cannot be written (say, a folder planted under its name) does not
        // keep the others from being written; then the failures are reported together.
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Report> entry : all().entrySet()) {
            Path file = dir.resolve(entry.getKey());
            try {
                entry.getValue().write(report, file);
            } catch (IOException | RuntimeException e) {
                failed.add(file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (!failed.isEmpty()) {
            throw new IOException("could not write " + String.join(", ", failed));
        }
    }
}
