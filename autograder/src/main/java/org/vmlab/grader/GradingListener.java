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
 * is captured, and threads it started and left running are reported as its failure, after which
 * this JVM ends and the grader runs the tests left in a new one.
 */
final class GradingListener implements TestExecutionListener {

    /** How long a test's leftover threads get to end by themselves. */
    private static final long THREAD_GRACE_MILLIS = 200;
    /** How many leftover threads a reason names. */
    private static final int MAX_THREADS_NAMED = 3;

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
            try {
                events.write(new Event.Reached(current,
                        new Checkpoint(Failures.cap(name, 200), Double.parseDouble(points))));
            } catch (IllegalArgumentException e) {
                // not a checkpoint the grader can count
            }
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (current == null) {
            if (result.getStatus() == TestExecutionResult.Status.FAILED && !id.isTest()) {
                // a class that could not start: its graded tests will never be started
                String why = result.getThrowable().map(t -> Failures.reason(t, heapMb))
                        .orElse("failed");
                events.write(new Event.ContainerFailed(id.getUniqueId(), why));
            }
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
        List<Thread> leftover = leftoverThreads();
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
                        : Failures.firstLine(Failures.reason(thrown, heapMb)));
                details = reason + "\n";
            }
            default -> {
                status = TestStatus.FAILED;
                reason = thrown == null ? "failed" : Failures.reason(thrown, heapMb);
                details = thrown == null ? "" : Failures.details(thrown);
            }
        }
        String threads = leftover.isEmpty() ? "" : leftoverReason(leftover);
        if (!threads.isEmpty() && status != TestStatus.FAILED) {
            status = TestStatus.FAILED;
            reason = threads;
            details = threads + "\n";
        }
        String output = capture.take();
        String text = details + (output.isEmpty() ? "" : "--- output ---\n" + output);
        events.write(new Event.Finished(current, status, reason, text, millis));
        current = null;
        if (!leftover.isEmpty()) {
            // Threads of the code under test that outlive their test could act during the next
            // one and be blamed on it: no later test runs in this JVM.
            events.write(new Event.Retiring(threads));
            Runtime.getRuntime().halt(0);
        }
    }

    /**
     * Fails the running test with what the run threw past JUnit and ends this JVM, so that the
     * tests left run in a new one; does nothing and returns false when no test is running.
     */
    boolean abandonRunningTest(Throwable thrown) {
        if (current == null) {
            return false;
        }
        String reason = Failures.reason(thrown, heapMb);
        String output = capture.take();
        events.write(new Event.Finished(current, TestStatus.FAILED, reason,
                Failures.details(thrown) + (output.isEmpty() ? "" : "--- output ---\n" + output),
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis()));
        events.write(new Event.Retiring(reason));
        Runtime.getRuntime().halt(0);
        return true;
    }

    /**
     * The threads the test started and left alive, daemons included, after giving them a brief
     * grace to end by themselves. Idle worker threads of the JDK's shared pools are not counted:
     * they belong to the JVM once started.
     */
    private List<Thread> leftoverThreads() {
        long deadline = System.nanoTime() + THREAD_GRACE_MILLIS * 1_000_000;
        List<Thread> left = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (threadsBefore.contains(thread) || thread == Thread.currentThread()) {
                continue;
            }
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive() && !idlePoolWorker(thread)) {
                left.add(thread);
            }
        }
        return left;
    }

    private static boolean idlePoolWorker(Thread thread) {
        Thread.State state = thread.getState();
        return thread.isDaemon() && thread.getName().startsWith("ForkJoinPool.commonPool-worker-")
                && (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING);
    }

    /** Names at most a few of the threads, each name capped. */
    private static String leftoverReason(List<Thread> threads) {
        List<String> names = threads.stream().limit(MAX_THREADS_NAMED)
                .map(t -> '"' + Failures.cap(t.getName(), 60) + '"').toList();
        String more = threads.size() > MAX_THREADS_NAMED
                ? " and " + (threads.size() - MAX_THREADS_NAMED) + " more" : "";
        return "the code under test left thread" + (threads.size() > 1 ? "s " : " ")
                + String.join(", ", names) + more + " running after the test ended";
    }
}
