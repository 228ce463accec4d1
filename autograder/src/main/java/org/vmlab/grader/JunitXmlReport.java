package org.vmlab.grader;

import java.util.Locale;

/**
 * A JUnit XML report (the Ant/Surefire {@code testsuite} format CI servers read): one
 * {@code testcase} per graded test, with {@code failure} or {@code skipped} and the captured
 * output in {@code system-out}. Characters XML cannot hold are replaced.
 *
 * @param suiteName the {@code testsuite} name
 */
public record JunitXmlReport(String suiteName) implements Report {

    /** A suite named "vmlab grading". */
    public JunitXmlReport() {
        this("vmlab grading");
    }

    @Override
    public String render(GradingReport report) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append("<testsuite name=\"").append(Text.xml(suiteName))
                .append("\" tests=\"").append(report.results().size())
                .append("\" failures=\"").append(report.count(TestStatus.FAILED))
                .append("\" errors=\"0\" skipped=\"").append(report.count(TestStatus.SKIPPED))
                .append("\" time=\"").append(seconds(report.executionTime().toMillis()))
                .append("\">\n");
        out.append("  <properties>\n    <property name=\"score\" value=\"")
                .append(Scores.format(report.score())).append("\"/>\n")
                .append("    <property name=\"max_score\" value=\"")
                .append(Scores.format(report.maxScore())).append("\"/>\n  </properties>\n");
        for (TestResult r : report.results()) {
            out.append("  <testcase name=\"").append(Text.xml(r.test().label()))
                    .append("\" classname=\"").append(Text.xml(r.test().className()))
                    .append("\" time=\"").append(seconds(r.duration().toMillis())).append('"');
            if (r.status() == TestStatus.PASSED && r.output().isEmpty()) {
                out.append("/>\n");
                continue;
            }
            out.append(">\n");
            String points = " (" + Scores.format(r.score()) + "/"
                    + Scores.format(r.test().points()) + " points)";
            if (r.status() == TestStatus.FAILED) {
                out.append("    <failure message=\"").append(Text.xml(r.reason() + points))
                        .append("\">").append(Text.xml(r.output())).append("</failure>\n");
            } else if (r.status() == TestStatus.SKIPPED) {
                out.append("    <skipped message=\"").append(Text.xml(r.reason()))
                        .append("\"/>\n");
            } else {
                out.append("    <system-out>").append(Text.xml(r.output()))
                        .append("</system-out>\n");
            }
            out.append("  </testcase>\n");
        }
        return out.append("</testsuite>\n").toString();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
