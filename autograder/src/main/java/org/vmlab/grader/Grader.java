package org.vmlab.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Grades: runs the {@link Graded} tests of a {@link GradingRequest} in a forked JVM and turns
 * what happened into a {@link GradingReport}.
 *
 * <p>Whatever the code under test does, {@link #grade} returns a report. When the forked JVM
 * dies (a loop that outlasts the time limit, {@code System.exit}, running out of memory), the
 * test it was running fails with that reason, keeping the checkpoints it reached, and a new JVM
 * runs the tests that had not run yet. A test that does not pass makes the tests declared
 * {@link Graded#after() after} it {@code skipped: <prerequisite> failed}.
 */
public final class Grader {

    /** Closes the output of a test that was running when its JVM died. */
    static final String CUT_OFF = "[output cut off: the test JVM ended]";

    private final Path workDir;

    /**
     * @param workDir where forked JVMs keep their files, in a fresh subdirectory per run that is
     *                deleted afterwards; created if missing
     */
    public Grader(Path workDir) {
        this.workDir = workDir.toAbsolutePath();   // the test JVM runs in another directory
    }

    /** Runs the graded tests and reports on every one of them. */
    public GradingReport grade(GradingRequest request) {
        long start = System.nanoTime();
        Map<String, GradedTest> plan = new LinkedHashMap<>();
        Map<String, TestResult> results = new HashMap<>();
        List<String> notes = new ArrayList<>();
        Path runDir = null;
        try {
            Files.createDirectories(workDir);
            runDir = Files.createTempDirectory(workDir, "grading-");
            Fork fork = new Fork(request, runDir);
            List<String> only = List.of();
            for (int attempt = 1; ; attempt++) {
                Fork.Outcome outcome = fork.run(only, attempt);
                if (attempt == 1) {
                    plan.putAll(outcome.planned());
                }
                collect(outcome, plan, results);
                if (outcome.end() instanceof ForkEnd.Completed) {
                    failUnreported(plan, results, "the test JVM ended without running this test",
                            Map.of());
                    break;
                }
                String culprit = outcome.running();
                if (culprit == null || !plan.containsKey(culprit)) {
                    // it died outside any graded test: in a static initializer, @BeforeAll,
                    // @AfterAll, or a thread of its own
                    String reason = outcome.end().reason();
                    if (plan.isEmpty()) {
                        notes.add("No graded test could run: " + reason + ".");
                        break;
                    }
                    notes.add("The test JVM ended outside any graded test: " + reason + ".");
                    if (outcome.finished().isEmpty()) {
                        // no test finished: blame the class it was about to run
                        String blamed = plan.values().stream()
                                .filter(t -> !results.containsKey(t.uniqueId()))
                                .findFirst().map(GradedTest::className).orElseThrow();
                        plan.values().stream().filter(t -> t.className().equals(blamed))
                                .forEach(t -> results.putIfAbsent(t.uniqueId(), TestResult.of(t,
                                        TestStatus.FAILED, "not run: " + reason
                                                + " (while starting " + simpleName(blamed) + ")",
                                        "", List.of(), Duration.ZERO)));
                    }
                    only = remaining(plan, results);
                    if (only.isEmpty()) {
                        break;
                    }
                    notes.add(restart(only));
                    continue;
                }
                // the test that was running is the one that brought the JVM down
                GradedTest test = plan.get(culprit);
                String printed = outcome.runningOutput();
                results.put(culprit, TestResult.of(test, TestStatus.FAILED,
                        outcome.end().reason(), outcome.end().reason() + "\n"
                                + (printed.isEmpty() ? "" : "--- output ---\n" + printed
                                + (printed.endsWith("\n") ? "" : "\n") + CUT_OFF + "\n"),
                        outcome.checkpoints().getOrDefault(culprit, List.of()), Duration.ZERO));
                notes.add("The test JVM ended during " + test.label() + ": "
                        + outcome.end().reason() + ".");
                only = remaining(plan, results);
                if (only.isEmpty()) {
                    break;
                }
                notes.add(restart(only));
            }
        } catch (IOException | RuntimeException e) {
            notes.add("The grader could not run the tests: " + e);
            failUnreported(plan, results, "not run: the grader failed: " + e,
                    Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notes.add("Grading was interrupted.");
            failUnreported(plan, results, "not run: grading was interrupted", Map.of());
        } finally {
            deleteQuietly(runDir);
        }
        List<TestResult> ordered = new Prerequisites(plan.values()).apply(
                plan.keySet().stream().map(results::get).toList()).stream()
                .sorted((x, y) -> GradedTest.compareNumbers(x.test().number(), y.test().number()))
                .toList();
        return new GradingReport(ordered, Duration.ofNanos(System.nanoTime() - start),
                String.join("\n", notes));
    }

    private static List<String> remaining(Map<String, GradedTest> plan,
                                          Map<String, TestResult> results) {
        return plan.keySet().stream().filter(id -> !results.containsKey(id)).toList();
    }

    private static String restart(List<String> remaining) {
        return "A new test JVM runs the " + remaining.size()
                + (remaining.size() == 1 ? " test" : " tests") + " left.";
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static void collect(Fork.Outcome outcome, Map<String, GradedTest> plan,
                                Map<String, TestResult> results) {
        for (Event.Finished f : outcome.finished().values()) {
            GradedTest test = plan.get(f.uniqueId());
            if (test != null) {
                results.put(f.uniqueId(), TestResult.of(test, f.status(), f.reason(), f.output(),
                        outcome.checkpoints().getOrDefault(f.uniqueId(), List.of()),
                        Duration.ofMillis(f.millis())));
            }
        }
    }

    private static void failUnreported(Map<String, GradedTest> plan,
                                       Map<String, TestResult> results, String reason,
                                       Map<String, List<Checkpoint>> checkpoints) {
        plan.forEach((id, test) -> results.computeIfAbsent(id, k -> TestResult.of(test,
                TestStatus.FAILED, reason, reason + "\n", checkpoints.getOrDefault(id, List.of()),
                Duration.ZERO)));
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // leave it
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // leave it
        }
    }
}
