package org.vmlab.grader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Runs inside the forked test JVM: turns the JUnit Platform's execution events for graded tests
 * into {@link Event}s. Tests run one at a time, so there is one current graded test; its output
 * is captured, and threads it started and left running are reported as its failure.
 */
final class GradingListener implements TestExecutionListener {

    /** How long a test's leftover threads get to end by themselves. */
    private static final long THREAD_GRACE_MILLIS = 200;

    private final EventWriter events;
    private final OutputCapture capture;
    private final int heapMb;
    private final Map<String, GradedTest> graded = new HashMap<>();

    private String current;
    private long startNanos;
    private Set<Thread> threadsBefore = Set.of();
    private TestExecutionResult worstInside;

    GradingListener(EventWriter events, OutputCapture capture, int heapMb) {
        this.events = events;
        this.capture = capture;
        this.heapMb = heapMb;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        List<TestIdentifier> all = new ArrayList<>();
        plan.getRoots().forEach(root -> {
            all.add(root);
            all.addAll(plan.getDescendants(root));
        });
        for (TestIdentifier id : all) {
            graded(id).ifPresent(test -> {
                graded.put(test.uniqueId(), test);
                events.write(new Event.Planned(test));
            });
        }
    }

    /** The graded test {@code id} stands for, if it is a method carrying {@link Graded}. */
    static Optional<GradedTest> graded(TestIdentifier id) {
        Optional<TestSource> source = id.getSource();
        if (source.isEmpty() || !(source.get() instanceof MethodSource method)) {
            return Optional.empty();
        }
        Graded annotation;
        try {
            annotation = method.getJavaMethod().getAnnotation(Graded.class);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (annotation == null) {
            return Optional.empty();
        }
        String name = annotation.name().isBlank() ? id.getDisplayName() : annotation.name();
        List<String> tags = id.getTags().stream().map(TestTag::getName).sorted()
                .collect(Collectors.toList());
        return Optional.of(new GradedTest(id.getUniqueId(), method.getClassName(),
                method.getMethodName(), name, annotation.number(), annotation.points(),
                annotation.visibility(), annotation.after(), tags));
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (graded.containsKey(id.getUniqueId())) {
            current = id.getUniqueId();
            worstInside = null;
            threadsBefore = Thread.getAllStackTraces().keySet();
            capture.take();
            startNanos = System.nanoTime();
            events.write(new Event.Started(current));
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (graded.containsKey(id.getUniqueId())) {
            String why = "skipped: " + (reason == null || reason.isBlank() ? "disabled" : reason);
            events.write(new Event.Finished(id.getUniqueId(), TestStatus.SKIPPED, why, why, 0));
        }
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        Map<String, String> values = entry.getKeyValuePairs();
        String name = values.get(Checkpoints.NAME_KEY);
        String points = values.get(Checkpoints.POINTS_KEY);
        if (current != null && name != null && points != null) {
            events.write(new Event.Reached(current,
                    new Checkpoint(name, Double.parseDouble(points))));
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (current == null) {
            return;
        }
        if (!id.getUniqueId().equals(current)) {
            // an invocation inside a graded test template: remember the first failure
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL
                    && worstInside == null) {
                worstInside = result;
            }
            return;
        }
        TestExecutionResult outcome = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL
                && worstInside != null ? worstInside : result;
        long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        String leftover = leftoverThreads();
        TestStatus status;
        String reason;
        String details;
        Throwable thrown = outcome.getThrowable().orElse(null);
        switch (outcome.getStatus()) {
            case SUCCESSFUL -> {
                status = TestStatus.PASSED;
                reason = "";
                details = "";
            }
            case ABORTED -> {
                status = TestStatus.SKIPPED;
                reason = "skipped: " + (thrown == null ? "aborted"
                        : Failures.firstLine(thrown.getMessage()));
                details = reason + "\n";
            }
            default -> {
                status = TestStatus.FAILED;
                reason = thrown == null ? "failed" : Failures.reason(thrown, heapMb);
                details = thrown == null ? "" : Failures.details(thrown);
            }
        }
        if (!leftover.isEmpty() && status != TestStatus.FAILED) {
            status = TestStatus.FAILED;
            reason = leftover;
            details = leftover + "\n";
        }
        String output = capture.take();
        String text = details + (output.isEmpty() ? "" : "--- output ---\n" + output);
        events.write(new Event.Finished(current, status, reason, text, millis));
        current = null;
    }

    /**
     * Waits briefly for the non-daemon threads the test started; stops those still running and
     * returns a reason naming them, or empty when none was left behind.
     */
    @SuppressWarnings("deprecation")
    private String leftoverThreads() {
        long deadline = System.nanoTime() + THREAD_GRACE_MILLIS * 1_000_000;
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (threadsBefore.contains(thread) || thread.isDaemon()) {
                continue;
            }
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                names.add('"' + thread.getName() + '"');
                thread.interrupt();
                try {
                    thread.stop(); // the grader's sandbox: a runaway thread must not starve others
                } catch (UnsupportedOperationException e) {
                    // newer JDKs cannot stop threads; the JVM's exit will
                }
            }
        }
        return names.isEmpty() ? "" : "the code under test left thread"
                + (names.size() > 1 ? "s " : " ") + String.join(", ", names)
                + " running after the test ended";
    }
}
