package org.vmlab.grader;

import java.io.StringWriter;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A JUnit XML report in the format Maven Surefire writes and CI servers and test-report actions
 * read, valid against Surefire's schema {@code surefire-test-report-3.0.xsd}.
 *
 * <p>The root is one {@code testsuite}, because that schema allows no other root (no
 * {@code testsuites}); the lab of each test is its {@code classname}, by which the readers group
 * tests anyway, and the tests come lab by lab in the order of their numbers. Its {@code properties} hold the score, the points available and the run details.
 * Every graded test is a {@code testcase} named by its label: a failed one has a {@code failure}
 * whose message is the reason and points and whose text is the output, a skipped one a
 * {@code skipped}, and a passed one its output, if any, in {@code system-out}. When the grading
 * itself failed, one more testcase, {@value #GRADING_CASE}, has an {@code error} that says why,
 * so that the failure shows wherever the tests do.
 *
 * <p>The JDK's XML writer does the escaping (so {@code ]]>} and quotes are safe); text from the
 * tests is made {@linkplain Text#printable printable} first, which also keeps out the characters
 * XML 1.0 cannot hold.
 *
 * @param suiteName the {@code testsuite} name
 */
public record JunitXmlReport(String suiteName) implements Report {

    /** The name of the testcase that stands for a grading that failed. */
    static final String GRADING_CASE = "the grading itself";
    /** The {@code type} of a graded test's failure (the schema requires one). */
    static final String FAILED_TYPE = "graded test failed";
    /** The {@code type} of the error when the grading itself failed. */
    static final String GRADING_FAILED_TYPE = "grading failed";

    /** A suite named "vmlab grading". */
    public JunitXmlReport() {
        this("vmlab grading");
    }

    @Override
    public String render(GradingReport report) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            writeSuite(xml, report);
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            // A StringWriter does not fail, and the text is printable: this is a bug.
            throw new IllegalStateException("cannot write JUnit XML", e);
        }
        return text.append('\n').toString();
    }

    private void writeSuite(XMLStreamWriter xml, GradingReport report)
            throws XMLStreamException {
        int extra = report.failed() ? 1 : 0;
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", Text.printable(suiteName));
        xml.writeAttribute("time", seconds(report.executionTime().toMillis()));
        xml.writeAttribute("tests", String.valueOf(report.results().size() + extra));
        xml.writeAttribute("errors", String.valueOf(extra));
        xml.writeAttribute("skipped", String.valueOf(report.count(TestStatus.SKIPPED)));
        xml.writeAttribute("failures", String.valueOf(report.count(TestStatus.FAILED)));
        xml.writeCharacters("\n  ");
        writeProperties(xml, report);
        if (report.failed()) {
            xml.writeCharacters("\n  ");
            writeGradingFailure(xml, report);
        }
        for (SuiteResults suite : SuiteResults.of(report)) {
            for (TestResult r : suite.results()) {
                xml.writeCharacters("\n  ");
                writeCase(xml, r);
            }
        }
        xml.writeCharacters("\n");
        xml.writeEndElement();
    }

    private static void writeProperties(XMLStreamWriter xml, GradingReport report)
            throws XMLStreamException {
        xml.writeStartElement("properties");
        property(xml, "score", report.failed() ? "none" : Scores.format(report.score()));
        property(xml, "max_score", Scores.format(report.maxScore()));
        property(xml, "started", Text.utc(report.details().started()));
        property(xml, "implementation", report.details().implementation());
        property(xml, "commit", report.details().commit());
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
    }

    private static void property(XMLStreamWriter xml, String name, String value)
            throws XMLStreamException {
        xml.writeCharacters("\n    ");
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", Text.printable(value));
    }

    private static void writeGradingFailure(XMLStreamWriter xml, GradingReport report)
            throws XMLStreamException {
        xml.writeStartElement("testcase");
        xml.writeAttribute("name", GRADING_CASE);
        xml.writeAttribute("classname", "org.vmlab.grader");
        xml.writeAttribute("time", seconds(report.executionTime().toMillis()));
        xml.writeStartElement("error");
        xml.writeAttribute("message", Text.graderFailure(report));
        xml.writeAttribute("type", GRADING_FAILED_TYPE);
        xml.writeCharacters(Text.printable(report.graderFailure()));
        xml.writeEndElement();
        xml.writeEndElement();
    }

    private static void writeCase(XMLStreamWriter xml, TestResult r) throws XMLStreamException {
        xml.writeStartElement("testcase");
        xml.writeAttribute("name", Text.printable(r.test().label()));
        xml.writeAttribute("classname", Text.printable(r.test().className()));
        xml.writeAttribute("time", seconds(r.duration().toMillis()));
        switch (r.status()) {
            case FAILED -> {
                xml.writeStartElement("failure");
                xml.writeAttribute("message", Text.printable(r.reason() + " ("
                        + Scores.format(r.score()) + "/" + Scores.format(r.test().points())
                        + " points)"));
                xml.writeAttribute("type", FAILED_TYPE);
                xml.writeCharacters(Text.printable(r.output()));
                xml.writeEndElement();
            }
            case SKIPPED -> {
                xml.writeEmptyElement("skipped");
                xml.writeAttribute("message", Text.printable(r.reason()));
            }
            case PASSED -> {
                if (!r.output().isEmpty()) {
                    xml.writeStartElement("system-out");
                    xml.writeCharacters(Text.printable(r.output()));
                    xml.writeEndElement();
                }
            }
        }
        xml.writeEndElement();
    }

    /** Seconds with three decimals and no grouping, as the schema's SUREFIRE_TIME allows. */
    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0, millis) / 1000.0);
    }
}
