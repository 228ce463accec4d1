package org.vmlab.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One forked test JVM: started with {@link Limits}, watched while it runs, killed when a test
 * overstays its time, and summed up as a {@link Outcome} once it is gone.
 */
final class Fork {

    /** How often the grader looks at the events file and the process. */
    private static final long POLL_MILLIS = 20;
    /**
     * The least time the JVM gets while no graded test runs (starting, discovering, initialising
     * a test class), so that a slow machine does not fail a submission before its tests begin.
     */
    private static final long OUTSIDE_TEST_NANOS = 60_000_000_000L;

    private final GradingRequest request;
    private final Path workDir;

    /**
     * @param request what to grade
     * @param workDir a directory for the fork's files (request, events, its own output)
     */
    Fork(GradingRequest request, Path workDir) {
        this.request = request;
        this.workDir = workDir;
    }

    /**
     * What one fork did.
     *
     * @param planned     the graded tests it discovered, in order
     * @param finished    the tests it ran to the end, by unique id
     * @param checkpoints the checkpoints reached, by unique id, including by unfinished tests
     * @param running     the test it was running when it ended, or null
     * @param runningOutput what that test had printed, up to the output cap
     * @param end         how it ended
     */
    record Outcome(Map<String, GradedTest> planned, Map<String, Event.Finished> finished,
                   Map<String, List<Checkpoint>> checkpoints, String running,
                   String runningOutput, ForkEnd end) {
    }

    /**
     * Runs the graded tests of the request (only {@code uniqueIds} when not empty) in a new JVM
     * and waits until it ends.
     */
    Outcome run(List<String> uniqueIds, int attempt) throws IOException, InterruptedException {
        Limits limits = request.limits();
        Path requestFile = workDir.resolve("fork-" + attempt + "-request.json");
        Path eventsFile = workDir.resolve("fork-" + attempt + "-events.jsonl");
        Path outFile = workDir.resolve("fork-" + attempt + "-stdout.txt");
        Path errFile = workDir.resolve("fork-" + attempt + "-stderr.txt");
        Path spillFile = workDir.resolve("fork-" + attempt + "-running-output.txt");
        new ObjectMapper().writeValue(requestFile.toFile(), new ForkRequest(request.classes(),
                request.packages(), uniqueIds, limits.outputCap(), limits.heapMb()));

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + limits.heapMb() + "m");
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-XX:+UseSerialGC");
        command.addAll(limits.jvmOptions());
        command.add("-cp");
        command.add(request.classpath());
        command.add(TestJvm.class.getName());
        command.add(requestFile.toString());
        command.add(eventsFile.toString());
        command.add(spillFile.toString());
        // The code under test starts in an empty folder of its own: nothing of the grader's, the
        // repository's or another submission's is at hand by a relative path.
        Path cwd = Files.createDirectories(workDir.resolve("fork-" + attempt + "-cwd"));
        Process process = new ProcessBuilder(command)
                .directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                .redirectOutput(outFile.toFile())
                .redirectError(errFile.toFile())
                .start();

        Map<String, GradedTest> planned = new LinkedHashMap<>();
        Map<String, Event.Finished> finished = new LinkedHashMap<>();
        Map<String, List<Checkpoint>> checkpoints = new LinkedHashMap<>();
        EventReader reader = new EventReader(eventsFile);
        String running = null;
        boolean done = false;
        boolean timedOut = false;
        long timeoutNanos = limits.testTimeout().toNanos();
        long lastProgress = System.nanoTime();
        try {
            while (true) {
                boolean exited = process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
                for (Event event : reader.poll()) {
                    if (!(event instanceof Event.Reached)) {
                        lastProgress = System.nanoTime();
                    }
                    if (event instanceof Event.Planned p) {
                        planned.put(p.test().uniqueId(), p.test());
                    } else if (event instanceof Event.Started s) {
                        running = s.uniqueId();
                    } else if (event instanceof Event.Reached r) {
                        checkpoints.computeIfAbsent(r.uniqueId(), k -> new ArrayList<>())
                                .add(r.checkpoint());
                    } else if (event instanceof Event.Finished f) {
                        finished.put(f.uniqueId(), f);
                        if (f.uniqueId().equals(running)) {
                            running = null;
                        }
                    } else if (event instanceof Event.Done) {
                        done = true;
                    }
                }
                if (exited) {
                    break;
                }
                long allowed = running != null ? timeoutNanos
                        : Math.max(timeoutNanos, OUTSIDE_TEST_NANOS);
                if (System.nanoTime() - lastProgress > allowed) {
                    timedOut = true;
                    kill(process);
                    break;
                }
            }
        } finally {
            if (process.isAlive()) {
                kill(process); // interrupted: leave no JVM behind
            }
        }
        ForkEnd end;
        if (timedOut) {
            end = new ForkEnd.TimedOut(limits.testTimeout());
        } else if (done) {
            end = new ForkEnd.Completed();
        } else {
            // the JVM reports running out of memory on its standard output, other trouble on error
            end = classify(process.exitValue(), tail(outFile) + tail(errFile),
                    limits.heapMb());
        }
        String runningOutput = running == null ? "" : head(spillFile, limits.outputCap());
        return new Outcome(planned, finished, checkpoints, running, runningOutput, end);
    }

    /**
     * Why a JVM that did not write {@link Event.Done} ended, from its exit code and the end of
     * what it wrote outside the capture (its own messages).
     */
    static ForkEnd classify(int exitCode, String jvmMessages, int heapMb) {
        if (jvmMessages.contains("java.lang.OutOfMemoryError")) {
            return new ForkEnd.OutOfMemory(heapMb);
        }
        if (exitCode >= 128 || exitCode < 0) {
            return new ForkEnd.Died(exitCode, detail(jvmMessages));
        }
        if (jvmMessages.contains(TestJvm.INTERNAL_ERROR)
                || jvmMessages.contains("Error: Could not find or load main class")
                || jvmMessages.contains("Error occurred during initialization of VM")) {
            return new ForkEnd.Died(exitCode, detail(jvmMessages));
        }
        return new ForkEnd.Exited(exitCode);
    }

    /** The line that explains the death: the grader's own, else the JVM's first. */
    private static String detail(String jvmMessages) {
        int ours = jvmMessages.indexOf(TestJvm.INTERNAL_ERROR);
        return Failures.firstLine(ours < 0 ? jvmMessages : jvmMessages.substring(ours));
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    /** The last few KB of {@code file}: the JVM's own messages, if it left any. */
    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int n = (int) Math.min(length, 8192);
            byte[] bytes = new byte[n];
            in.seek(length - n);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The first {@code max} bytes of {@code file}, or empty. */
    private static String head(Path file, int max) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.min(in.length(), max)];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL"
                : "/dev/null");
    }
}
