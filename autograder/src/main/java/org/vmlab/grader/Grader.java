package org.vmlab.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Grades: runs the {@link Graded} tests of a {@link GradingRequest} in a forked JVM and turns
 * what happened into a {@link GradingReport}.
 *
 * <p>Whatever the code under test does, {@link #grade} returns a report. When the forked JVM
 * dies (a loop that outlasts the time limit, {@code System.exit}, running out of memory), the
 * test it was running fails with that reason, keeping the checkpoints it reached, and a new JVM
 * runs the tests that had not run yet; a test the JVM never started gets another JVM rather
 * than the blame. A test that does not pass makes the tests declared {@link Graded#after()
 * after} it {@code skipped: <prerequisite> failed}.
 *
 * <p>When the grading itself cannot be done (the test JVM does not start, or a class or package
 * asked for has no graded test), the report says so in {@link GradingReport#graderFailure()}
 * and its score is no grade.
 */
public final class Grader {

    /** Closes the output of a test that was running when its JVM died. */
    static final String CUT_OFF = "[output cut off: the test JVM ended]";

    private final Path workDir;
    private final GradingProgress progress;

    /**
     * @param workDir where forked JVMs keep their files, in a fresh subdirectory per run that is
     *                deleted afterwards; created if missing
     */
    public Grader(Path workDir) {
        this(workDir, GradingProgress.SILENT);
    }

    /**
     * @param workDir  as {@link #Grader(Path)}
     * @param progress told of each graded test as it finishes
     */
    public Grader(Path workDir, GradingProgress progress) {
        this.workDir = workDir.toAbsolutePath();   // the test JVM runs in another directory
        this.progress = progress.skippingAfterFailures();
    }

    /** Runs the graded tests and reports on every one of them. */
    public GradingReport grade(GradingRequest request) {
        return grade(request, Map.of());
    }

    /**
     * Runs the graded tests, except those of the packages in {@code refusals}: their tests are
     * only discovered (no code under test is loaded) and failed with the package's reason, as
     * when a lab's code breaks the submission policy.
     *
     * @param refusals a reason per package of {@code request} whose tests must not run
     */
    public GradingReport grade(GradingRequest request, Map<String, String> refusals) {
        long start = System.nanoTime();
        RunDetails details = RunDetails.startedAt(Instant.now());
        Map<String, GradedTest> plan = new LinkedHashMap<>();
        Map<String, TestResult> results = new HashMap<>();
        List<String> notes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Path runDir = null;
        Thread cleanup = null;
        try {
            Files.createDirectories(workDir);
            runDir = Files.createTempDirectory(workDir, "grading-");
            Path made = runDir;
            // stopped by SIGINT or SIGTERM, the grader still leaves no folder behind
            cleanup = new Thread(() -> deleteQuietly(made), "vmlab-grader-folders");
            Runtime.getRuntime().addShutdownHook(cleanup);
            Sandbox.openToOthers(workDir, request.runAs(), false);
            Sandbox.openToOthers(runDir, request.runAs(), false);
            GradingRequest allowed = refuse(request, refusals, runDir, plan, results, failures);
            if (allowed != null && failures.isEmpty()) {
                Map<String, GradedTest> planned = new LinkedHashMap<>();
                try {
                    run(new Fork(allowed, runDir, progress), allowed, planned, results, notes, failures);
                } finally {
                    plan.putAll(planned);
                }
            }
        } catch (IOException | RuntimeException e) {
            failures.add("the grader could not run the tests: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("grading was interrupted");
        } finally {
            deleteQuietly(runDir);
            removeHook(cleanup);
        }
        if (!failures.isEmpty()) {
            failUnreported(plan, results, "not run: the grading itself failed", Map.of());
        }
        List<TestResult> ordered = new Prerequisites(plan.values()).apply(
                plan.keySet().stream().map(results::get).toList()).stream()
                .sorted((x, y) -> GradedTest.compareNumbers(x.test().number(), y.test().number()))
                .toList();
        return new GradingReport(ordered, Duration.ofNanos(System.nanoTime() - start),
                String.join("\n", notes), details, String.join("\n", failures));
    }

    /**
     * Fails the tests of the refused packages without running them; returns the request for
     * the rest, or null when nothing is left to run.
     */
    private static GradingRequest refuse(GradingRequest request, Map<String, String> refusals,
                                         Path runDir, Map<String, GradedTest> plan,
                                         Map<String, TestResult> results, List<String> failures)
            throws IOException, InterruptedException {
        List<String> refused = request.packages().stream().filter(refusals::containsKey).toList();
        if (refused.isEmpty()) {
            return request;
        }
        GradingRequest discovery = new GradingRequest(List.of(), refused, request.classpath(),
                request.limits(), request.runAs());
        Fork.Outcome outcome = new Fork(discovery, runDir, true).run(List.of(), 1);
        if (outcome.end() instanceof ForkEnd.Failed failed) {
            failures.add(failed.why());
            return null;
        }
        plan.putAll(outcome.planned());
        failures.addAll(missingSuites(discovery, outcome.planned().values()));
        for (GradedTest test : outcome.planned().values()) {
            String reason = refused.stream().filter(p -> test.className().startsWith(p + "."))
                    .findFirst().map(refusals::get).orElse("not run");
            results.put(test.uniqueId(), TestResult.of(test, TestStatus.FAILED, reason,
                    reason + "\n", List.of(), Duration.ZERO));
        }
        List<String> rest = request.packages().stream()
                .filter(p -> !refusals.containsKey(p)).toList();
        return rest.isEmpty() && request.classes().isEmpty() ? null
                : new GradingRequest(request.classes(), rest, request.classpath(),
                request.limits(), request.runAs());
    }

    /** Runs forks until every planned test has a result, or the grading fails. */
    private static void run(Fork fork, GradingRequest request, Map<String, GradedTest> plan,
                            Map<String, TestResult> results, List<String> notes,
                            List<String> failures) throws IOException, InterruptedException {
        List<String> only = List.of();
        Set<String> givenAnotherJvm = new HashSet<>();
        for (int attempt = 1; ; attempt++) {
            Fork.Outcome outcome = fork.run(only, attempt);
            if (outcome.end() instanceof ForkEnd.Failed failed) {
                failures.add(failed.why());
                return;
            }
            if (attempt == 1) {
                plan.putAll(outcome.planned());
                if (plan.isEmpty() && !(outcome.end() instanceof ForkEnd.Completed)) {
                    failures.add("no graded test could be discovered: "
                            + outcome.end().reason());
                    return;
                }
                failures.addAll(missingSuites(request, plan.values()));
                if (plan.isEmpty()) {
                    return;
                }
            }
            collect(outcome, plan, results);
            failStartFailures(outcome, plan, results);
            ForkEnd end = outcome.end();
            if (end instanceof ForkEnd.Completed) {
                // Tests it never started are not to blame: each gets one more JVM.
                List<String> unstarted = remaining(plan, results);
                unstarted.stream().filter(givenAnotherJvm::contains).forEach(id -> results.put(id,
                        TestResult.of(plan.get(id), TestStatus.FAILED,
                                "not run: the test JVM did not start this test, twice", "",
                                List.of(), Duration.ZERO)));
                only = unstarted.stream().filter(id -> !givenAnotherJvm.contains(id)).toList();
                if (only.isEmpty()) {
                    return;
                }
                givenAnotherJvm.addAll(only);
                notes.add("The test JVM ended without starting " + count(only)
                        + "; a new one runs them.");
                continue;
            }
            if (end instanceof ForkEnd.Retired retired) {
                notes.add("The test JVM was replaced: " + retired.why() + ".");
            } else if (outcome.running() != null && plan.containsKey(outcome.running())) {
                blameRunningTest(outcome, plan, results, notes);
            } else {
                blameOutsideAnyTest(outcome, plan, results, notes);
            }
            only = remaining(plan, results);
            if (only.isEmpty()) {
                return;
            }
            notes.add(restart(only));
        }
    }

    /** The test that was running is the one that brought the JVM down. */
    private static void blameRunningTest(Fork.Outcome outcome, Map<String, GradedTest> plan,
                                         Map<String, TestResult> results, List<String> notes) {
        GradedTest test = plan.get(outcome.running());
        String printed = outcome.runningOutput();
        String reason = outcome.end().reason();
        results.put(test.uniqueId(), TestResult.of(test, TestStatus.FAILED, reason, reason + "\n"
                        + (printed.isEmpty() ? "" : "--- output ---\n" + printed
                        + (printed.endsWith("\n") ? "" : "\n") + CUT_OFF + "\n"),
                outcome.checkpoints().getOrDefault(test.uniqueId(), List.of()), Duration.ZERO));
        notes.add("The test JVM ended during " + test.label() + ": " + reason + ".");
    }

    /**
     * It died outside any graded test: in a static initializer, {@code @BeforeAll},
     * {@code @AfterAll}, or a thread of its own. When no test finished, the class it was about
     * to run is blamed, so that every restart settles at least one test.
     */
    private static void blameOutsideAnyTest(Fork.Outcome outcome, Map<String, GradedTest> plan,
                                            Map<String, TestResult> results, List<String> notes) {
        String reason = outcome.end().reason();
        notes.add("The test JVM ended outside any graded test: " + reason + ".");
        if (!outcome.finished().isEmpty()) {
            return;
        }
        String blamed = plan.values().stream()
                .filter(t -> !results.containsKey(t.uniqueId()))
                .findFirst().map(GradedTest::className).orElse(null);
        plan.values().stream().filter(t -> t.className().equals(blamed))
                .forEach(t -> results.putIfAbsent(t.uniqueId(), TestResult.of(t,
                        TestStatus.FAILED, "not run: " + reason
                                + " (while starting " + simpleName(blamed) + ")",
                        "", List.of(), Duration.ZERO)));
    }

    /** Tests in a class that failed to start fail with that class's reason. */
    private static void failStartFailures(Fork.Outcome outcome, Map<String, GradedTest> plan,
                                          Map<String, TestResult> results) {
        outcome.containerFailures().forEach((container, why) -> plan.values().stream()
                .filter(t -> t.uniqueId().startsWith(container + "/"))
                .forEach(t -> results.putIfAbsent(t.uniqueId(), TestResult.of(t,
                        TestStatus.FAILED, "not run: " + why + " (while starting "
                                + simpleName(t.className()) + ")", "", List.of(),
                        Duration.ZERO))));
    }

    /** A class or package asked for in which no graded test was found: the grader's failure. */
    private static List<String> missingSuites(GradingRequest request,
                                              Collection<GradedTest> planned) {
        List<String> missing = new ArrayList<>();
        for (String name : request.classes()) {
            if (planned.stream().noneMatch(t -> t.className().equals(name))) {
                missing.add("no graded test found in class " + name);
            }
        }
        for (String name : request.packages()) {
            if (planned.stream().noneMatch(t -> t.className().startsWith(name + "."))) {
                missing.add("no graded test found in package " + name);
            }
        }
        return missing;
    }

    private static String count(List<String> tests) {
        return tests.size() + (tests.size() == 1 ? " test" : " tests");
    }

    private static List<String> remaining(Map<String, GradedTest> plan,
                                          Map<String, TestResult> results) {
        return plan.keySet().stream().filter(id -> !results.containsKey(id))
                .collect(Collectors.toCollection(ArrayList::new));
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

    private static void removeHook(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir != null) {
            FileTrees.deleteQuietly(dir);
        }
    }
}
