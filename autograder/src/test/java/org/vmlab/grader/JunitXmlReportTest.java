package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The JUnit XML report is valid against Maven Surefire's own schema,
 * {@code surefire-test-report-3.0.xsd} (copied from the maven-surefire repository into the test
 * resources), whatever the tests printed.
 */
class JunitXmlReportTest {

    private static void assertValid(String xml) throws Exception {
        Schema schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(JunitXmlReportTest.class.getResource("/surefire-test-report-3.0.xsd"));
        schema.newValidator().validate(new StreamSource(new StringReader(xml)));
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aReportWithEveryStatusIsValid() throws Exception {
        assertValid(new JunitXmlReport().render(SampleReports.twoLabs()));
        assertValid(new JunitXmlReport().render(ReportsTest.sample()));
    }

    @Test
    void hostileOutputStaysValidAndReadsAsItWasPrinted() throws Exception {
        String xml = new JunitXmlReport().render(SampleReports.hostile());
        assertValid(xml);
        Element failure = (Element) parse(xml).getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo(JunitXmlReport.FAILED_TYPE);
        assertThat(failure.getTextContent())
                .contains("]]>", "<script>", "\\u0000\\u001b[31mred\\r\\rOVERWRITTEN",
                        "\uD83D\uDE00", "lone \\ud800 end", "\\ufffe")
                .doesNotContain("\u001b", "\r");
        assertThat(xml).doesNotContain("<![CDATA[");
    }

    @Test
    void aFailedGradingIsAnErrorThatSaysWhy() throws Exception {
        String xml = new JunitXmlReport().render(SampleReports.graderFailed());
        assertValid(xml);
        Element suite = parse(xml).getDocumentElement();
        assertThat(suite.getAttribute("errors")).isEqualTo("1");
        assertThat(suite.getAttribute("tests")).isEqualTo("1");
        Element error = (Element) suite.getElementsByTagName("error").item(0);
        assertThat(error.getAttribute("type")).isEqualTo(JunitXmlReport.GRADING_FAILED_TYPE);
        assertThat(error.getAttribute("message"))
                .startsWith("The grading itself failed: the test JVM could not start")
                .endsWith("No score was given.");
        assertThat(((Element) error.getParentNode()).getAttribute("name"))
                .isEqualTo(JunitXmlReport.GRADING_CASE);
    }

    @Test
    void testsComeLabByLabInTheOrderOfTheirNumbers() throws Exception {
        var cases = parse(new JunitXmlReport().render(SampleReports.twoLabs()))
                .getElementsByTagName("testcase");
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < cases.getLength(); i++) {
            names.append(((Element) cases.item(i)).getAttribute("name").split(" ")[0]).append(' ');
        }
        assertThat(names.toString()).isEqualTo("2.2 2.3 2.10 10.1 ");
    }

    @Test
    void propertiesCarryTheScoreAndTheRunDetails() throws Exception {
        Document doc = parse(new JunitXmlReport().render(SampleReports.twoLabs()));
        var properties = doc.getElementsByTagName("property");
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < properties.getLength(); i++) {
            Element p = (Element) properties.item(i);
            seen.append(p.getAttribute("name")).append('=').append(p.getAttribute("value"))
                    .append(' ');
        }
        assertThat(seen.toString()).contains("score=8 ", "max_score=14 ",
                "started=2025-01-31T09:15:02Z ", "implementation=labs ", "commit=1a2b3c4 ");
    }
}
