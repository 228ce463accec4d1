package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The HTML page: per lab, in the order of the tests' numbers, self-contained and escaped. */
class HtmlReportTest {

    @Test
    void eachLabIsASectionWithItsTitleAndSubtotalThenItsTestsInOrder() {
        String html = new HtmlReport().render(SampleReports.twoLabs());
        assertThat(html).containsSubsequence(
                "<h2>Lab 2: Memory virtualization</h2>",
                "<p>3 / 9 points: 1 passed, 1 failed, 1 skipped</p>",
                "<td>2.2</td>", "<td>2.3</td>", "<td>2.10</td>",
                "<h2>Lab 10: Live migration</h2>",
                "<p>5 / 5 points: 1 passed, 0 failed, 0 skipped</p>", "<td>10.1</td>");
    }

    @Test
    void statusIsInWordsNotOnlyColourAndHiddenTestsAreMarked() {
        String html = new HtmlReport().render(SampleReports.twoLabs());
        assertThat(html).contains("<td class=\"failed\">❌ failed</td>",
                "<td class=\"passed\">✅ passed</td>", "<td class=\"skipped\">⏭️ skipped</td>",
                "shadow page tables stay in sync <span class=\"visibility\">(hidden)</span>",
                "<span class=\"visibility\">(shown after the due date)</span>");
    }

    @Test
    void theRunDetailsAreShown() {
        assertThat(new HtmlReport().render(SampleReports.twoLabs())).contains(
                "<h1>Grading: 8 / 14 points</h1>",
                "<p>Graded 2025-01-31T09:15:02Z, implementation labs, commit 1a2b3c4.</p>");
    }

    @Test
    void aFailedGradingIsSaidFirstAndGivesNoScore() {
        String html = new HtmlReport().render(SampleReports.graderFailed());
        String body = html.substring(html.indexOf("<body>") + "<body>\n".length());
        assertThat(body).startsWith("<p class=\"grader-failure\" role=\"alert\"><strong>The"
                + " grading itself failed: the test JVM could not start: java: not found;"
                + " no graded test ran. No score was given.</strong></p>");
        assertThat(html).contains("<title>Grading: no score</title>").doesNotContain("0 / 0");
    }

    @Test
    void hostileOutputIsEscapedAndNothingIsLoaded() {
        String html = new HtmlReport().render(SampleReports.hostile());
        assertThat(html).doesNotContain("<script>", "src=", "href=", "\r", "\u001b", "\u0000")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
                        "\\u001b[31mred\\r\\rOVERWRITTEN");
    }
}
