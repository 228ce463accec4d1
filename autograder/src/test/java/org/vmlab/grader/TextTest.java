package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The text helpers every report relies on. */
class TextTest {

    @Test
    void controlCharactersAreShownNotObeyed() {
        assertThat(Text.printable("50%\rdone")).isEqualTo("50%\\rdone");
        assertThat(Text.printable("\u001b[2J\u0000\u0007\u007f\u009b"))
                .isEqualTo("\\u001b[2J\\u0000\\u0007\\u007f\\u009b");
    }

    @Test
    void newlinesTabsAndEveryOtherCharacterStay() {
        String text = "line 1\n\tline 2 é ✅ \uD83D\uDE00 \uD835\uDD38";
        assertThat(Text.printable(text)).isSameAs(text);
    }

    @Test
    void whatNoFormatCanHoldIsEscapedToo() {
        assertThat(Text.printable("a\uD800b\uDC00c\uFFFE\uFFFF"))
                .isEqualTo("a\\ud800b\\udc00c\\ufffe\\uffff");
    }

    @Test
    void everyOneLineAndMarkupHelperEscapesControls() {
        assertThat(Text.oneLine("a\r\u001bb", 40)).isEqualTo("a\\r\\u001bb");
        assertThat(Text.html("<\r>")).isEqualTo("&lt;\\r&gt;");
        assertThat(Text.markdownCell("x\u001b|")).isEqualTo("x\\\\u001b\\|");
    }

    @Test
    void shorteningNeverSplitsASurrogatePair() {
        assertThat(Text.oneLine("ab\uD83D\uDE00cd", 4)).isEqualTo("ab…");
    }

    @Test
    void runDetailsAreIsoUtcToTheSecondAndNameWhatIsKnown() {
        RunDetails details = RunDetails.startedAt(Instant.parse("2025-01-31T09:15:02.9Z"));
        assertThat(Text.runDetails(details)).isEqualTo("2025-01-31T09:15:02Z");
        assertThat(Text.runDetails(details.withSource("solutions", "abc1234")))
                .isEqualTo("2025-01-31T09:15:02Z, implementation solutions, commit abc1234");
    }

    @Test
    void aGraderFailureIsOneSentenceThatSaysNoScoreWasGiven() {
        assertThat(Text.graderFailure(SampleReports.graderFailed())).isEqualTo(
                "The grading itself failed: the test JVM could not start: java: not found;"
                        + " no graded test ran. No score was given.");
        assertThat(Text.graderFailure(SampleReports.twoLabs())).isEmpty();
    }
}
