package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.grader.samples.DaemonThreadSubmission;
import org.vmlab.grader.samples.DetachedProcessSubmission;
import org.vmlab.grader.samples.ForgerySubmission;
import org.vmlab.grader.samples.HaltSubmission;
import org.vmlab.grader.samples.HandOnThreadSubmission;
import org.vmlab.grader.samples.HostileExceptionSubmission;
import org.vmlab.grader.samples.UnrecoverableErrorSubmission;

/**
 * Submissions that set out to fool the grader or to outlive it. Each misbehaves in test 2,
 * between tests 1 and 3 that pass: test 2 fails with the true cause, and its neighbours keep
 * their points, as in {@link MisbehavingSubmissionsTest}.
 */
class HostileSubmissionsTest {

    @TempDir
    Path dir;

    private TestResult misbehaving(Class<?> sample) {
        return Grading.misbehaving(dir, sample);
    }

    @Test
    void aHaltIsNamedAsAHaltNotAsAnExit() {
        assertThat(misbehaving(HaltSubmission.class).reason())
                .isEqualTo("Runtime.halt(0) called by the code under test");
    }

    @Test
    void aDaemonThreadLeftRunningFailsItsTestAndTheJvmIsReplaced() {
        GradingReport report = Grading.grade(dir, DaemonThreadSubmission.class);
        assertThat(report.results().get(1).reason()).isEqualTo("the code under test left thread"
                + " \"background-tlb-flusher\" running after the test ended");
        assertThat(report.score()).isEqualTo(4);
        assertThat(report.notes()).contains("The test JVM was replaced");
    }

    @Test
    void aThreadThatHandsItselfOnCannotStrikeDuringALaterTest() {
        TestResult relay = misbehaving(HandOnThreadSubmission.class);
        assertThat(relay.reason()).startsWith("the code under test left thread \"relay-0\"");
    }

    @Test
    void anExceptionThatRefusesToBeDescribedFailsOnlyItsTestAndIsCapped() {
        TestResult hostile = misbehaving(HostileExceptionSubmission.class);
        assertThat(hostile.reason()).startsWith("Hostile: ")
                .hasSizeLessThan(Failures.REASON_CAP + 100);
        assertThat(hostile.output()).hasSizeLessThan(Failures.DETAILS_CAP
                + Grading.TEST_LIMITS.outputCap() + 200);
    }

    @Test
    void anUnrecoverableErrorFailsItsTestAndTheRestRunInANewJvm() {
        assertThat(misbehaving(UnrecoverableErrorSubmission.class).reason())
                .startsWith("OutOfMemoryError");
    }

    @Test
    void eventsWrittenStraightToTheChannelAreNotBelieved() {
        GradingReport report = Grading.grade(dir, ForgerySubmission.class);
        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(TestStatus.FAILED);
            assertThat(r.reason()).isEqualTo("not done");
        });
    }

    @Test
    void processesThatDetachFromTheTestJvmDoNotOutliveGrading() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")) && onPath("setsid"),
                "Linux with setsid");
        TestResult escape = misbehaving(DetachedProcessSubmission.class);
        assertThat(escape.reason()).isEqualTo("tried to escape");
        assertThat(escapees()).as("processes left running").isEmpty();
    }

    @Test
    void killingTheGraderWithSigkillTakesTheTestJvmWithIt() throws Exception {
        assertTheTestJvmEndsWhenTheGraderIs(true);
    }

    @Test
    void stoppingTheGraderWithSigtermTakesTheTestJvmWithIt() throws Exception {
        assertTheTestJvmEndsWhenTheGraderIs(false);
    }

    private void assertTheTestJvmEndsWhenTheGraderIs(boolean sigkill) throws Exception {
        Path work = dir.resolve("work");
        Process grader = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", GradingRequest.currentClasspath(),
                GraderMain.class.getName(), work.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("grader.log").toFile())
                .start();
        try {
            ProcessHandle testJvm = awaitTestJvm(grader);
            Thread.sleep(500);   // inside the endless test by now
            if (sigkill) {
                grader.destroyForcibly();
            } else {
                grader.destroy();
            }
            grader.waitFor();
            assertThat(testJvm.onExit().completeOnTimeout(null, 15, java.util.concurrent.TimeUnit.SECONDS)
                    .get()).as("the test JVM ended").isNotNull();
            assertThat(testJvm.isAlive()).isFalse();
            if (!sigkill) {
                assertThat(work).as("the grader's temporary folders").isEmptyDirectory();
            }
        } finally {
            grader.descendants().forEach(ProcessHandle::destroyForcibly);
            grader.destroyForcibly();
        }
    }

    private static ProcessHandle awaitTestJvm(Process grader) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> jvm = grader.descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains(TestJvm.class.getName()))
                    .findFirst();
            if (jvm.isPresent()) {
                return jvm.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the grader started no test JVM");
    }

    private static List<ProcessHandle> escapees() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("")
                        .contains("sleep " + DetachedProcessSubmission.SECONDS))
                .toList();
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
