package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The reports, on a report built by hand (no forked JVM). */
class ReportsTest {

    private static final String NASTY = "<script>alert('x')</script> | a & b \u0000\u001b[31m";

    private static GradedTest test(String number, String name, double points, Visibility v,
                                   String after) {
        return new GradedTest("[engine:junit-jupiter]/[method:t" + number + "()]",
                "org.vmlab.labs.Lab1Test", "t" + number, name, number, points, v, after,
                List.of("lab1"));
    }

    static GradingReport sample() {
        GradedTest boots = test("1.1", "guest boots", 2, Visibility.VISIBLE, "");
        GradedTest popf = test("1.2", "popf traps " + NASTY, 3, Visibility.HIDDEN, "");
        GradedTest after = test("1.3", "after popf", 1, Visibility.AFTER_PUBLISHED, "1.2");
        return new GradingReport(List.of(
                TestResult.of(boots, TestStatus.PASSED, "", "booting\n", List.of(),
                        Duration.ofMillis(120)),
                TestResult.of(popf, TestStatus.FAILED,
                        "guest diverged at pc=0x00401a2c `popf`: native IF=0, yours IF=1 " + NASTY,
                        "details " + NASTY + "\n", List.of(new Checkpoint("boots", 0.5)),
                        Duration.ofMillis(300)),
                TestResult.of(after, TestStatus.SKIPPED, "skipped: 1.2 popf traps failed",
                        "skipped: 1.2 popf traps failed", List.of(), Duration.ZERO)),
                Duration.ofMillis(2600), "The test JVM ended during 1.2.");
    }

    @Test
    void consoleTableHasOneRowPerTestTheReasonsUnderTheirTestsAndTheTotal() {
        String table = new ConsoleReport().render(sample());
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).startsWith("#").contains("test", "points", "status");
        assertThat(lines.get(1)).startsWith("1.1").contains("2/2", "passed");
        assertThat(lines.get(2)).startsWith("1.2").contains("0.5/3", "failed");
        assertThat(lines.get(3)).startsWith("     > ").contains("native IF=0, yours IF=1");
        List<String> skipped = lines.stream().dropWhile(l -> !l.startsWith("1.3")).toList();
        assertThat(skipped.get(0)).contains("0/1", "skipped");
        assertThat(skipped.get(1)).contains("> skipped: 1.2 popf traps failed");
        assertThat(table).contains("total: 2.5/6 points, 1 passed, 1 failed, 1 skipped");
        assertThat(lines.get(1).indexOf("passed")).isEqualTo(lines.get(2).indexOf("failed"));
    }

    @Test
    void consoleTableFitsItsWidthWrapsLongNamesAndReasonsAndSaysWhereTheFullTextIs() {
        String reason = "guest diverged from bare metal at instruction 14,901, pc=0x00001398 (spin+0x30) "
                + "`in r11, 0x41`: r11: native 0x00003a34, yours 0x00003a32 ".repeat(12);
        GradedTest test = new GradedTest("[engine:junit-jupiter]/[class:L]/[method:m()]", "L", "m",
                "edges: a control register that does not exist, popf and the ring, a faulting popf, the STI"
                + " shadow, the tick of in, int through a kernel gate", "1.8", 3, Visibility.VISIBLE, "",
                List.of());
        GradingReport report = new GradingReport(List.of(TestResult.of(test, TestStatus.FAILED, reason,
                reason, List.of(), java.time.Duration.ZERO)), java.time.Duration.ZERO, "");

        String table = new ConsoleReport(100, "vmlab grade --out DIR").render(report);

        assertThat(table.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
        assertThat(table).contains("the tick of in, int through a kernel gate", "14,901", "(spin+0x30)");
        assertThat(table.lines().filter(l -> l.startsWith("       ") || l.startsWith("     > ")))
                .hasSize(ConsoleReport.REASON_LINES);
        assertThat(table).contains("Reasons longer than 6 lines are cut here.", "vmlab grade --out DIR");
        assertThat(new ConsoleReport(60, "").render(report).lines())
                .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(60));
    }

    @Test
    void theCompleteVersionCutsNoReasonAndEndsWithTheFullTextOfEachFailure() {
        String file = ConsoleReport.forFile().render(sample());

        assertThat(file).contains("total: 2.5/6 points");
        assertThat(file.substring(file.indexOf("total:"))).contains("--- 1.2 ", ": failed ---")
                .contains("details <script>", "--- 1.3 after popf: skipped ---");
        assertThat(file).doesNotContain("are cut here");
    }

    @Test
    void consoleSaysAFailedGradingOnItsFirstLine() {
        String table = new ConsoleReport().render(SampleReports.graderFailed());
        assertThat(table.lines().takeWhile(l -> !l.startsWith("#")).collect(Collectors.joining(" ")))
                .isEqualTo("The grading itself failed: the test JVM could not start: java: not found;"
                + " no graded test ran. No score was given.");
        assertThat(new ConsoleReport().render(sample()).lines().findFirst())
                .hasValueSatisfying(line -> assertThat(line).startsWith("#"));
    }

    @Test
    void consoleOutputCannotRewriteTheTerminal() {
        String table = new ConsoleReport().render(SampleReports.hostile());
        assertThat(table).doesNotContain("\r", "\u001b", "\u0000", "\u009b")
                .contains("\\u001b[31mred\\r\\rOVERWRITTEN");
    }

    @Test
    void gradescopeJsonFollowsTheSpecification() {
        var json = Grading.resultsJson(sample());
        assertThat(json.get("score").asDouble()).isEqualTo(2.5);
        assertThat(json.get("execution_time").asInt()).isEqualTo(3);
        assertThat(json.get("stdout_visibility").asText()).isEqualTo("hidden");
        assertThat(json.get("output").asText()).contains("Score: 2.5/6",
                "The test JVM ended during 1.2.");
        assertThat(Grading.test(json, "1.2").get("visibility").asText()).isEqualTo("hidden");
        assertThat(Grading.test(json, "1.3").get("visibility").asText())
                .isEqualTo("after_published");
        assertThat(Grading.test(json, "1.2").get("max_score").asDouble()).isEqualTo(3);
        assertThat(Grading.test(json, "1.2").get("output").asText())
                .contains("checkpoint reached: boots (+0.5)", "details");
    }

    @Test
    void junitXmlParsesAndCountsFailuresAndSkips() throws Exception {
        String xml = new JunitXmlReport().render(sample());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element suite = doc.getDocumentElement();
        assertThat(suite.getAttribute("tests")).isEqualTo("3");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        assertThat(suite.getAttribute("skipped")).isEqualTo("1");
        assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(3);
        Element failure = (Element) doc.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).contains("native IF=0", "(0.5/3 points)");
        assertThat(failure.getTextContent()).contains("<script>");
    }

    @Test
    void markdownTableCannotBeBrokenByOutput() {
        String md = new MarkdownReport().render(sample());
        assertThat(md).startsWith("## Grading: 2.5 / 6 points");
        List<String> rows = md.lines().filter(l -> l.startsWith("| 1.")).toList();
        assertThat(rows).hasSize(3);
        for (String row : rows) {
            assertThat(row.replace("\\|", "").chars().filter(c -> c == '|').count())
                    .isEqualTo(6);
        }
        assertThat(md).doesNotContain("<script>");
    }

    @Test
    void htmlIsSelfContainedAndEscaped() {
        String html = new HtmlReport().render(sample());
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                .doesNotContain("<script>", "src=", "href=")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .contains("2.5 / 6");
    }

    @Test
    void writeCreatesTheDirectory(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/results.json");
        new GradescopeReport().write(sample(), file);
        assertThat(Files.readString(file)).contains("\"tests\"");
    }

    @Test
    void writeAllWritesEveryReport(@TempDir Path dir) throws Exception {
        Reports.writeAll(sample(), dir);
        assertThat(dir.resolve(Reports.RESULTS_JSON)).exists();
        assertThat(Files.readString(dir.resolve(Reports.PRAIRIELEARN_JSON)))
                .contains("\"gradable\" : true");
        assertThat(dir.resolve(Reports.JUNIT_XML)).exists();
        assertThat(dir.resolve(Reports.MARKDOWN)).exists();
        assertThat(dir.resolve(Reports.HTML)).exists();
        assertThat(Files.readString(dir.resolve(Reports.CONSOLE))).contains("total: 2.5/6");
    }

    @Test
    void aFolderPlantedWhereAReportGoesStopsOnlyThatReport(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve(Reports.RESULTS_JSON).resolve("planted"));
        assertThatThrownBy(() -> Reports.writeAll(sample(), dir)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("could not write " + dir.resolve(Reports.RESULTS_JSON));
        assertThat(dir.resolve(Reports.JUNIT_XML)).isRegularFile();
        assertThat(dir.resolve(Reports.MARKDOWN)).isRegularFile();
        assertThat(dir.resolve(Reports.CONSOLE)).isRegularFile();
    }
}
