package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Markdown summary: per lab, in the order of the tests' numbers, with run details. */
class MarkdownReportTest {

    @Test
    void eachLabHasAHeadingWithItsTitleAndSubtotalThenItsTestsInOrder() {
        String md = new MarkdownReport().render(SampleReports.twoLabs());
        List<String> lines = md.lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("### ")).containsExactly(
                "### Lab 2: Memory virtualization — 3 / 9 points: 1 passed, 1 failed, 1 skipped",
                "### Lab 10: Live migration — 5 / 5 points: 1 passed, 0 failed, 0 skipped");
        assertThat(lines).filteredOn(l -> l.startsWith("| 2.") || l.startsWith("| 10."))
                .extracting(l -> l.substring(2, l.indexOf(' ', 2)))
                .containsExactly("2.2", "2.3", "2.10", "10.1");
    }

    @Test
    void statusIsInWordsAndHiddenTestsAreMarked() {
        String md = new MarkdownReport().render(SampleReports.twoLabs());
        assertThat(md).contains(
                "| 2.10 | shadow page tables stay in sync _(hidden)_ | 0/4 | ❌ failed |",
                "| 2.3 | handles page faults _(shown after the due date)_ | 0/2 | ⏭️ skipped |",
                "| 2.2 | maps guest memory | 3/3 | ✅ passed |");
    }

    @Test
    void theTotalAndTheRunDetailsComeFirst() {
        String md = new MarkdownReport().render(SampleReports.twoLabs());
        assertThat(md).startsWith("## Grading: 8 / 14 points\n\n"
                + "Graded 2025-01-31T09:15:02Z, implementation labs, commit 1a2b3c4.\n");
    }

    @Test
    void aFailedGradingIsSaidFirstAndGivesNoScore() {
        String md = new MarkdownReport().render(SampleReports.graderFailed());
        assertThat(md).startsWith("## Grading failed: no score\n\n> ❗ **The grading itself"
                + " failed: the test JVM could not start: java: not found; no graded test ran."
                + " No score was given.**\n").doesNotContain("0 / 0");
    }

    @Test
    void hostileOutputCannotBreakATableOrATerminal() {
        String md = new MarkdownReport().render(SampleReports.hostile());
        assertThat(md).doesNotContain("\r", "\u001b", "\u0000", "<script>");
        for (String row : md.lines().filter(l -> l.startsWith("| 1.")).toList()) {
            assertThat(row.replace("\\|", "").chars().filter(c -> c == '|').count())
                    .isEqualTo(6);
        }
    }
}
