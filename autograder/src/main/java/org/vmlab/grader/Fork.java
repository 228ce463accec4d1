package org.vmlab.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One forked test JVM: started with {@link Limits}, watched while it runs, killed with all it
 * started when a test overstays its time, and summed up as an {@link Outcome} once it is gone.
 *
 * <p>The test JVM talks over its standard output ({@link EventChannel}); its standard input
 * brings the channel's key and the request, and then stays open as a lifeline: when the grader
 * dies, even by SIGKILL, the test JVM sees its end and halts. A shutdown hook kills the test JVM
 * when the grader is stopped by SIGINT or SIGTERM.
 */
final class Fork {

    /** How often the grader looks at the process when no event comes. */
    private static final long POLL_MILLIS = 20;
    /**
     * The least time the JVM gets while no graded test runs (starting, discovering, initialising
     * a test class), so that a slow machine does not fail a submission before its tests begin.
     */
    private static final long OUTSIDE_TEST_NANOS = 60_000_000_000L;
    /** How long the channel may stay open after the JVM is gone (a grandchild holding it). */
    private static final long DRAIN_MILLIS = 2_000;

    private final GradingRequest request;
    private final Path workDir;
    private final boolean planOnly;
    private final GradingProgress progress;

    /**
     * @param request what to grade
     * @param workDir a directory for the fork's working directories
     */
    Fork(GradingRequest request, Path workDir) {
        this(request, workDir, false, GradingProgress.SILENT);
    }

    /**
     * @param progress told of each graded test as it finishes
     */
    Fork(GradingRequest request, Path workDir, GradingProgress progress) {
        this(request, workDir, false, progress);
    }

    /**
     * @param planOnly discover the graded tests and run none (see {@link ForkRequest#planOnly})
     */
    Fork(GradingRequest request, Path workDir, boolean planOnly) {
        this(request, workDir, planOnly, GradingProgress.SILENT);
    }

    private Fork(GradingRequest request, Path workDir, boolean planOnly, GradingProgress progress) {
        this.request = request;
        this.workDir = workDir;
        this.planOnly = planOnly;
        this.progress = progress;
    }

    /**
     * What one fork did.
     *
     * @param planned          the graded tests it discovered, in order
     * @param finished         the tests it ran to the end, by unique id
     * @param checkpoints      the checkpoints reached, by unique id, including by unfinished tests
     * @param containerFailures why classes failed to start, by the container's unique id
     * @param running          the test it was running when it ended, or null
     * @param runningOutput    what that test had printed, up to the output cap
     * @param end              how it ended
     */
    record Outcome(Map<String, GradedTest> planned, Map<String, Event.Finished> finished,
                   Map<String, List<Checkpoint>> checkpoints,
                   Map<String, String> containerFailures, String running,
                   String runningOutput, ForkEnd end) {
    }

    /**
     * Runs the graded tests of the request (only {@code uniqueIds} when not empty) in a new JVM
     * and waits until it, and everything it started, is gone.
     */
    Outcome run(List<String> uniqueIds, int attempt) throws IOException, InterruptedException {
        Limits limits = request.limits();
        String key = EventChannel.newKey();
        String marker = EventChannel.newKey().substring(0, 24);
        // The code under test starts in an empty folder of its own, which it cannot write:
        // nothing of the grader's, the repository's or another submission's is at hand.
        Path cwd = Files.createDirectories(workDir.resolve((planOnly ? "plan-" : "fork-")
                + attempt));
        Sandbox.openToOthers(cwd, request.runAs());

        ProcessBuilder builder = new ProcessBuilder(command(limits)).directory(cwd.toFile());
        builder.environment().put(ProcessReaper.MARKER, marker);
        ProcessReaper reaper = new ProcessReaper(marker, request.runAs());
        Thread onShutdown = new Thread(reaper::killAll, "vmlab-grader-cleanup");
        Runtime.getRuntime().addShutdownHook(onShutdown);
        Process process = builder.start();
        reaper.watch(process);
        EventReader reader = new EventReader(process.getInputStream(), new EventChannel(key),
                64 * 1024 + 8 * limits.outputCap());
        Thread readerThread = daemon(reader, "vmlab-grader-events");
        StderrTail stderr = new StderrTail(process.getErrorStream());
        Thread stderrThread = daemon(stderr, "vmlab-grader-stderr");
        OutputStream lifeline = process.getOutputStream();
        try {
            send(lifeline, key, new ObjectMapper().writeValueAsString(new ForkRequest(
                    request.classes(), request.packages(), uniqueIds, limits.outputCap(),
                    limits.heapMb(), planOnly)));
            Watch watch = new Watch(limits, progress);
            watch.follow(process, reader, reaper);
            if (watch.timedOut) {
                reaper.killAll();
            }
            process.waitFor();
            reaper.killAll();   // whatever it started goes with it
            readerThread.join(DRAIN_MILLIS);
            stderrThread.join(DRAIN_MILLIS);
            reader.drain().forEach(watch::accept);
            return watch.outcome(end(watch, process.exitValue(), reader, stderr, limits));
        } finally {
            reaper.killAll();
            closeQuietly(lifeline);
            try {
                Runtime.getRuntime().removeShutdownHook(onShutdown);
            } catch (IllegalStateException e) {
                // the grader is shutting down: the hook runs anyway
            }
        }
    }

    /** The machine's engine choice ({@code org.vmlab.machine.Engine.PROPERTY}; the grader does not depend on the machine). */
    static final String ENGINE_PROPERTY = "vmlab.engine";

    private List<String> command(Limits limits) throws IOException {
        List<String> command = new ArrayList<>(Sandbox.launcherPrefix(request.runAs()));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + limits.heapMb() + "m");
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:+DisableAttachMechanism");
        // The launcher reads these two before any request: set here, they beat any file.
        command.add("-Djunit.platform.launcher.interceptors.enabled=false");
        command.add("-Djunit.jupiter.extensions.autodetection.enabled=false");
        command.addAll(limits.jvmOptions());
        String engine = System.getProperty(ENGINE_PROPERTY);
        if (engine != null) {
            command.add("-D" + ENGINE_PROPERTY + "=" + engine);   // the tests' machines run on the engine the grader was asked for
        }
        command.add("-cp");
        command.add(request.classpath());
        command.add(TestJvm.class.getName());
        return command;
    }

    private static void send(OutputStream lifeline, String key, String requestJson) {
        try {
            lifeline.write((key + "\n" + requestJson + "\n").getBytes(StandardCharsets.UTF_8));
            lifeline.flush();
        } catch (IOException e) {
            // the JVM did not start: its end says why
        }
    }

    /** How the JVM ended, from what it said over the channel, its exit code and its messages. */
    private static ForkEnd end(Watch watch, int exitCode, EventReader reader, StderrTail stderr,
                               Limits limits) {
        String messages = reader.messages() + stderr.text();
        if (watch.timedOut) {
            return new ForkEnd.TimedOut(limits.testTimeout());
        }
        if (watch.broken != null) {
            return new ForkEnd.Failed("the test JVM failed: " + watch.broken);
        }
        if (watch.done) {
            return new ForkEnd.Completed();
        }
        if (!watch.hello) {
            return new ForkEnd.Failed("the test JVM could not start (exit code " + exitCode + ")"
                    + (messages.isBlank() ? "" : ": " + summary(messages)));
        }
        if (messages.contains("java.lang.OutOfMemoryError")) {
            return new ForkEnd.OutOfMemory(limits.heapMb());
        }
        if (watch.retiring != null) {
            return new ForkEnd.Retired(watch.retiring);
        }
        if (exitCode >= 128 || exitCode < 0) {
            return new ForkEnd.Died(exitCode, summary(messages));
        }
        if (watch.exitCaller != null) {
            return new ForkEnd.Exited(exitCode, watch.exitCaller);
        }
        return new ForkEnd.Halted(exitCode);
    }

    /** The JVM's first few message lines, on one line: what explains its end. */
    static String summary(String messages) {
        String joined = String.join(" / ", messages.lines().map(String::strip)
                .filter(l -> !l.isEmpty()).limit(3).toList());
        return Failures.cap(joined, 400);
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // the JVM is gone already
        }
    }

    /** What the grader learns while the JVM runs: the fork's events, in order. */
    private static final class Watch {
        private final Limits limits;
        private final GradingProgress progress;
        private final Map<String, GradedTest> planned = new LinkedHashMap<>();
        private final Map<String, Event.Finished> finished = new LinkedHashMap<>();
        private final Map<String, List<Checkpoint>> checkpoints = new LinkedHashMap<>();
        private final Map<String, String> containerFailures = new LinkedHashMap<>();
        private final StringBuilder runningOutput = new StringBuilder();
        private boolean hello;
        private boolean anyStarted;
        private boolean done;
        private boolean timedOut;
        private String running;
        private String broken;
        private String retiring;
        private String exitCaller;
        private long lastProgress = System.nanoTime();

        Watch(Limits limits, GradingProgress progress) {
            this.limits = limits;
            this.progress = progress;
        }

        /** Follows the JVM until it exits or overstays; then kills it. */
        void follow(Process process, EventReader reader, ProcessReaper reaper)
                throws InterruptedException {
            long timeoutNanos = limits.testTimeout().toNanos();
            while (true) {
                Event event = reader.next(POLL_MILLIS);
                if (event != null) {
                    accept(event);
                    continue;
                }
                reaper.remember();
                if (!process.isAlive()) {
                    return;
                }
                long allowed = running != null ? timeoutNanos
                        : Math.max(timeoutNanos, OUTSIDE_TEST_NANOS);
                if (System.nanoTime() - lastProgress > allowed) {
                    timedOut = true;
                    return;
                }
            }
        }

        /**
         * Takes one event. Only what the protocol allows counts: a plan before any test starts,
         * and a result only for the test that is running.
         */
        void accept(Event event) {
            if (!(event instanceof Event.Reached) && !(event instanceof Event.Printed)) {
                lastProgress = System.nanoTime();
            }
            if (event instanceof Event.Hello) {
                hello = true;
            } else if (event instanceof Event.Planned p) {
                if (hello && !anyStarted) {
                    planned.put(p.test().uniqueId(), p.test());
                }
            } else if (event instanceof Event.Started s) {
                if (planned.containsKey(s.uniqueId()) && !finished.containsKey(s.uniqueId())) {
                    anyStarted = true;
                    running = s.uniqueId();
                    runningOutput.setLength(0);
                }
            } else if (event instanceof Event.Printed p) {
                if (running != null && runningOutput.length() < limits.outputCap()) {
                    runningOutput.append(p.text(), 0,
                            Math.min(p.text().length(), limits.outputCap() - runningOutput.length()));
                }
            } else if (event instanceof Event.Reached r) {
                if (r.uniqueId().equals(running)) {
                    checkpoints.computeIfAbsent(r.uniqueId(), k -> new ArrayList<>())
                            .add(r.checkpoint());
                }
            } else if (event instanceof Event.Finished f) {
                if (f.uniqueId().equals(running)) {
                    finished.put(f.uniqueId(), f);
                    running = null;
                    progress.finished(planned.get(f.uniqueId()), f.status(), Duration.ofMillis(f.millis()));
                }
            } else if (event instanceof Event.ContainerFailed c) {
                containerFailures.put(c.uniqueId(), c.reason());
            } else if (event instanceof Event.Retiring r) {
                retiring = r.reason();
            } else if (event instanceof Event.Exiting e) {
                exitCaller = e.caller();
            } else if (event instanceof Event.Broken b) {
                broken = b.message();
            } else if (event instanceof Event.Done) {
                done = running == null;
            }
        }

        Outcome outcome(ForkEnd end) {
            return new Outcome(planned, finished, checkpoints, containerFailures, running,
                    running == null ? "" : runningOutput.toString(), end);
        }
    }

    /** Keeps the last few kilobytes of the JVM's standard error: its own messages. */
    private static final class StderrTail implements Runnable {
        private static final int KEPT = 8192;
        private final InputStream in;
        private final StringBuilder text = new StringBuilder();

        StderrTail(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (text) {
                        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        if (text.length() > KEPT) {
                            text.delete(0, text.length() - KEPT);
                        }
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }
}
