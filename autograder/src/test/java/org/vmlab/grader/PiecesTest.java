package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grader's small parts, one by one. */
class PiecesTest {

    @Test
    void outputCaptureKeepsTheCapAndCountsTheRest() {
        OutputCapture capture = new OutputCapture(10);
        capture.printStream().print("0123456789abcdef");
        assertThat(capture.take()).isEqualTo("0123456789\n[output truncated: 6 more bytes]");
        assertThat(capture.take()).isEmpty();
        capture.write("hi\n".getBytes(StandardCharsets.UTF_8), 0, 3);
        assertThat(capture.take()).isEqualTo("hi\n");
    }

    @Test
    void forkEndsAreNamedInPlainWords() {
        assertThat(new ForkEnd.TimedOut(Duration.ofSeconds(30)).reason())
                .isEqualTo("the test JVM was killed after 30 s:"
                        + " the code under test did not finish");
        assertThat(new ForkEnd.TimedOut(Duration.ofMillis(1500)).reason()).contains("1500 ms");
        assertThat(new ForkEnd.Exited(3, "Vcpu.java:12").reason())
                .isEqualTo("System.exit(3) called by the code under test at Vcpu.java:12");
        assertThat(new ForkEnd.Halted(0).reason())
                .isEqualTo("Runtime.halt(0) called by the code under test");
        assertThat(new ForkEnd.OutOfMemory(256).reason())
                .isEqualTo("OutOfMemoryError (heap limit 256 MB): the code under test used"
                        + " more memory than the limit");
        assertThat(Fork.summary("Error occurred during initialization of VM\n\n"
                + "Could not reserve enough space for object heap\nmore\nand more"))
                .isEqualTo("Error occurred during initialization of VM"
                        + " / Could not reserve enough space for object heap / more");
    }

    @Test
    void theChannelAcceptsOnlySignedLinesInOrder() {
        String key = EventChannel.newKey();
        EventChannel channel = new EventChannel(key);
        String line = channel.sign(0, "{\"event\":\"done\"}");
        assertThat(channel.verify(line, 0)).isEqualTo("{\"event\":\"done\"}");
        assertThat(channel.verify(line, 1)).as("a replay").isNull();
        assertThat(channel.verify(line.replace("done", "hello"), 0)).as("tampered").isNull();
        assertThat(new EventChannel(EventChannel.newKey()).verify(line, 0))
                .as("another run's key").isNull();
        assertThat(channel.verify("0 zz {}", 0)).isNull();
        assertThat(channel.verify("garbage", 0)).isNull();
        assertThat(EventChannel.newKey()).isNotEqualTo(key).hasSize(64);
    }

    @Test
    void theReaderTakesSignedEventsAndKeepsTheRestAsTheJvmsTalk() throws Exception {
        String key = EventChannel.newKey();
        EventChannel channel = new EventChannel(key);
        String text = "Terminating due to java.lang.OutOfMemoryError\n"
                + channel.sign(0, "{\"event\":\"hello\"}") + "\n"
                + "x".repeat(5000) + "\n"
                + channel.sign(1, "{\"event\":\"done\"}") + "\n";
        EventReader reader = new EventReader(new java.io.ByteArrayInputStream(
                text.getBytes(StandardCharsets.UTF_8)), channel, 1000);
        reader.run();
        assertThat(reader.drain()).containsExactly(new Event.Hello(), new Event.Done());
        assertThat(reader.messages()).startsWith("Terminating due to java.lang.OutOfMemoryError")
                .contains("[...]").hasSizeLessThan(1200);
        assertThat(reader.ended()).isTrue();
    }

    /** A throwable whose every method is hostile, as student code can write one. */
    static final class HostileThrowable extends RuntimeException {
        @Override
        public String getMessage() {
            return "m".repeat(8_000_000);
        }

        @Override
        public String toString() {
            throw new IllegalStateException("no");
        }

        @Override
        public StackTraceElement[] getStackTrace() {
            throw new IllegalStateException("no");
        }
    }

    @Test
    void describingAHostileThrowableNeverFailsAndIsCapped() {
        HostileThrowable hostile = new HostileThrowable();
        assertThat(Failures.reason(hostile, 64)).startsWith("HostileThrowable: mmm")
                .hasSizeLessThan(Failures.REASON_CAP + 100);
        assertThat(Failures.details(hostile)).startsWith(HostileThrowable.class.getName())
                .hasSizeLessThan(Failures.DETAILS_CAP + 100);
        assertThat(Failures.describe(hostile)).isEqualTo(HostileThrowable.class.getName());
    }

    private static GradedTest test(String number, String after) {
        return new GradedTest("id" + number, "C", "m" + number, "t" + number, number, 1,
                Visibility.VISIBLE, after, List.of());
    }

    private static TestResult result(GradedTest test, TestStatus status) {
        return TestResult.of(test, status, status == TestStatus.PASSED ? "" : "no", "",
                List.of(), Duration.ZERO);
    }

    @Test
    void prerequisitesSkipDependentsAndFollowChains() {
        GradedTest a = test("1", "");
        GradedTest b = test("2", "1");
        GradedTest c = test("3", "2");
        GradedTest d = test("4", "9");
        GradedTest e = test("5", "5");
        List<TestResult> out = new Prerequisites(List.of(a, b, c, d, e)).apply(List.of(
                result(c, TestStatus.PASSED), result(a, TestStatus.FAILED),
                result(b, TestStatus.PASSED), result(d, TestStatus.PASSED),
                result(e, TestStatus.PASSED)));
        assertThat(out).extracting(TestResult::reason).containsExactly(
                "skipped: 2 t2 failed", "no", "skipped: 1 t1 failed",
                "skipped: its prerequisite 9 is not a graded test",
                "skipped: its prerequisites form a cycle");
        assertThat(out).extracting(TestResult::score).containsOnly(0.0);
    }

    @Test
    void aPassingPrerequisiteChangesNothing() {
        GradedTest a = test("1", "");
        GradedTest b = test("2", "1");
        List<TestResult> in = List.of(result(a, TestStatus.PASSED), result(b, TestStatus.PASSED));
        assertThat(new Prerequisites(List.of(a, b)).apply(in)).isEqualTo(in);
    }

    @Test
    void checkpointsAreCappedAtTheTestsPoints() {
        GradedTest t = new GradedTest("id", "C", "m", "t", "1", 2, Visibility.VISIBLE, "",
                List.of());
        TestResult r = TestResult.of(t, TestStatus.FAILED, "x", "", List.of(
                new Checkpoint("a", 1.5), new Checkpoint("b", 1.5)), Duration.ZERO);
        assertThat(r.score()).isEqualTo(2);
        assertThat(TestResult.of(t, TestStatus.FAILED, "x", "",
                List.of(new Checkpoint("a", 0.1), new Checkpoint("b", 0.2)), Duration.ZERO)
                .score()).isEqualTo(0.3);
    }

    @Test
    void valuesRejectNonsense() {
        assertThatThrownBy(() -> new Checkpoint(" ", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Checkpoint("a", -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.DEFAULT.withHeapMb(8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.DEFAULT.withTestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GradingRequest(List.of(), List.of(), "", Limits.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Visibility.AFTER_DUE_DATE.gradescopeName()).isEqualTo("after_due_date");
        assertThat(Visibility.AFTER_PUBLISHED.gradescopeName()).isEqualTo("after_published");
    }

    @Test
    void scoresPrintAsPeopleWriteThem() {
        assertThat(Scores.format(3.0)).isEqualTo("3");
        assertThat(Scores.format(2.5)).isEqualTo("2.5");
        assertThat(Scores.format(0.1 + 0.2)).isEqualTo("0.3");
    }

    @Test
    void pointsTableNumbersSortAsAReaderReadsThem() {
        java.util.List<String> numbers = new java.util.ArrayList<>(
                java.util.List.of("0.10", "", "1", "0.2", "0.1", "1.1", "a"));

        numbers.sort(GradedTest::compareNumbers);

        org.assertj.core.api.Assertions.assertThat(numbers)
                .containsExactly("0.1", "0.2", "0.10", "1", "1.1", "a", "");
    }
}
