package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.grader.samples.EndlessOutputSubmission;
import org.vmlab.grader.samples.HugeOutputSubmission;
import org.vmlab.grader.samples.InfiniteLoopSubmission;
import org.vmlab.grader.samples.LingeringThreadSubmission;
import org.vmlab.grader.samples.OutOfMemorySubmission;
import org.vmlab.grader.samples.SnoopingSubmission;
import org.vmlab.grader.samples.StackOverflowSubmission;
import org.vmlab.grader.samples.SystemExitSubmission;

/**
 * Each sample submission misbehaves in test 2, between tests 1 and 3 that pass. Whatever it
 * does, the grader writes a valid results.json in which test 2 failed with a clear reason and
 * keeps its checkpoint, and tests 1 and 3 keep their points.
 */
class MisbehavingSubmissionsTest {

    @TempDir
    Path dir;

    /** Test 2 of {@code sample}, which kept the checkpoint it reached before misbehaving. */
    private TestResult misbehaving(Class<?> sample) {
        TestResult bad = Grading.misbehaving(dir, sample);
        assertThat(bad.score()).as("the checkpoint reached before misbehaving").isEqualTo(1);
        return bad;
    }

    @Test
    void anInfiniteLoopIsKilledAfterTheTimeLimit() {
        assertThat(misbehaving(InfiniteLoopSubmission.class).reason()).isEqualTo(
                "the test JVM was killed after 2 s: the code under test did not finish");
    }

    @Test
    void systemExitIsReportedWithItsCode() {
        assertThat(misbehaving(SystemExitSubmission.class).reason())
                .isEqualTo("System.exit(3) called by the code under test at SystemExitSubmission.java:8");
    }

    @Test
    void aStackOverflowIsAnOrdinaryFailure() {
        assertThat(misbehaving(StackOverflowSubmission.class).reason())
                .startsWith("StackOverflowError: the code under test recursed without end");
    }

    @Test
    void runningOutOfMemoryNamesTheHeapLimit() {
        assertThat(misbehaving(OutOfMemorySubmission.class).reason())
                .startsWith("OutOfMemoryError (heap limit 64 MB)");
    }

    @Test
    void endlessOutputIsCappedAndKilledAfterTheTimeLimit() {
        TestResult bad = misbehaving(EndlessOutputSubmission.class);
        assertThat(bad.reason()).contains("the code under test did not finish");
        assertThat(bad.output()).contains("tick: the guest is still running, pc=0x00400010")
                .endsWith(Grader.CUT_OFF + "\n")
                .hasSizeLessThan(Grading.TEST_LIMITS.outputCap() + 512);
    }

    @Test
    void fiftyMegabytesOfOutputAreCappedWithAMarker() {
        TestResult bad = misbehaving(HugeOutputSubmission.class);
        assertThat(bad.reason()).isEqualTo("the guest printed 50 MB instead of halting");
        assertThat(bad.output()).contains("[output truncated: ")
                .hasSizeLessThan(Grading.TEST_LIMITS.outputCap() + 4096);
        long dropped = 50L * 1024 * 1024 - Grading.TEST_LIMITS.outputCap();
        assertThat(bad.output()).contains("[output truncated: " + dropped + " more bytes]");
    }

    @Test
    void aThreadLeftRunningFailsTheTestThatStartedIt() {
        assertThat(misbehaving(LingeringThreadSubmission.class).reason()).isEqualTo(
                "the code under test left thread \"vcpu-1\" running after the test ended");
    }

    @Test
    void codeThatSnoopsFindsAnEmptyWorkingDirectoryAndNothingNearIt() {
        assertThat(misbehaving(SnoopingSubmission.class).reason())
                .isEqualTo("snooped: the working directory holds []; near it: []");
    }

    @Test
    void allMisbehavioursInOneRunStillGradeEveryOtherTest() {
        GradingReport report = Grading.grade(dir, SystemExitSubmission.class,
                OutOfMemorySubmission.class, StackOverflowSubmission.class,
                LingeringThreadSubmission.class);
        Grading.resultsJson(report);
        assertThat(report.results()).hasSize(12);
        assertThat(report.count(TestStatus.PASSED)).isEqualTo(8);
        assertThat(report.count(TestStatus.FAILED)).isEqualTo(4);
        assertThat(report.score()).isEqualTo(4 * 4);
        assertThat(report.notes()).contains("A new test JVM runs the");
    }
}
