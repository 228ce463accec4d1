package org.vmlab.grader;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Grading reports built by hand (no forked JVM), for the reports' tests. */
final class SampleReports {

    /** Everything a student's output can throw at a report. */
    static final String HOSTILE = "<script>alert('x')</script> | a & b ]]> \"q\" "
            + "\u0000\u001b[31mred\r\rOVERWRITTEN\u007f\u009b \uD83D\uDE00 lone \uD800 end"
            + " \uFFFE";

    /** When the two-lab sample ran. */
    static final Instant STARTED = Instant.parse("2025-01-31T09:15:02.123456Z");

    private SampleReports() {
    }

    static GradedTest test(String className, String number, String name, double points,
                           Visibility visibility) {
        return new GradedTest("[engine:junit-jupiter]/[class:" + className + "]/[method:t"
                + number + "()]", className, "t" + number, name, number, points, visibility,
                "", List.of());
    }

    static TestResult passed(GradedTest test, String output) {
        return TestResult.of(test, TestStatus.PASSED, "", output, List.of(),
                Duration.ofMillis(40));
    }

    static TestResult failed(GradedTest test, String reason, String output) {
        return TestResult.of(test, TestStatus.FAILED, reason, output, List.of(),
                Duration.ofMillis(1500));
    }

    static TestResult skipped(GradedTest test, String reason) {
        return TestResult.of(test, TestStatus.SKIPPED, reason, reason, List.of(), Duration.ZERO);
    }

    /**
     * Two labs, discovered out of order: Lab 10's test first, and Lab 2's tests 2.10 before 2.2.
     * Lab 2 has a hidden test and one shown after the due date.
     */
    static GradingReport twoLabs() {
        String lab2 = "org.vmlab.labs.lab2.Lab2Test";
        String lab10 = "org.vmlab.labs.lab10.Lab10Test";
        List<TestResult> results = List.of(
                passed(test(lab10, "10.1", "migrates a running guest", 5, Visibility.VISIBLE),
                        ""),
                failed(test(lab2, "2.10", "shadow page tables stay in sync", 4,
                        Visibility.HIDDEN), "guest read a stale mapping", "stale at 0x4000\n"),
                passed(test(lab2, "2.2", "maps guest memory", 3, Visibility.VISIBLE),
                        "mapped 16 pages\n"),
                skipped(test(lab2, "2.3", "handles page faults", 2, Visibility.AFTER_DUE_DATE),
                        "skipped: 2.2 did not pass"));
        RunDetails details = RunDetails.startedAt(STARTED).withSource("labs", "1a2b3c4")
                .withSuiteTitles(Map.of("org.vmlab.labs.lab2", "Lab 2: Memory virtualization",
                        "org.vmlab.labs.lab10", "Lab 10: Live migration"));
        return new GradingReport(results, Duration.ofMillis(2600), "", details, "");
    }

    /** One lab whose test's name, reason, output and the run's notes are {@link #HOSTILE}. */
    static GradingReport hostile() {
        GradedTest test = test("org.vmlab.labs.lab1.Lab1Test", "1.1", "traps " + HOSTILE, 2,
                Visibility.VISIBLE);
        GradedTest quiet = test("org.vmlab.labs.lab1.Lab1Test", "1.2", "prints", 1,
                Visibility.VISIBLE);
        return new GradingReport(List.of(failed(test, "diverged " + HOSTILE, "out " + HOSTILE),
                passed(quiet, HOSTILE), skipped(test("org.vmlab.labs.lab1.Lab1Test", "1.3",
                        "after", 1, Visibility.VISIBLE), "skipped " + HOSTILE)),
                Duration.ofMillis(100), "note " + HOSTILE,
                RunDetails.startedAt(STARTED), "");
    }

    /** A run whose test JVM could not start: no graded test ran. */
    static GradingReport graderFailed() {
        return new GradingReport(List.of(), Duration.ofMillis(300), "",
                RunDetails.startedAt(STARTED).withSource("labs", ""),
                "the test JVM could not start: java: not found\nno graded test ran");
    }
}
