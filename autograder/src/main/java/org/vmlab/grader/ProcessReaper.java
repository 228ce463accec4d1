package org.vmlab.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure that nothing a test JVM started outlives it. A process that the code under test
 * starts is a descendant of the test JVM until it detaches (a double fork, {@code setsid}), and
 * then belongs to init; so the reaper finds the processes to kill three ways: the descendants it
 * has seen while the JVM ran, every process whose environment carries the run's marker (Linux,
 * through {@code /proc}), and, when the test JVM runs as a user of its own, every process of
 * that user.
 */
final class ProcessReaper {

    /** The environment variable that marks every process of one test JVM. */
    static final String MARKER = "VMLAB_GRADING_RUN";
    private static final int ROUNDS = 5;

    private final String marker;
    private final String user;
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    private volatile ProcessHandle root;

    /**
     * @param marker the value of {@link #MARKER} in the test JVM's environment
     * @param user   the user the test JVM runs as, or empty for the grader's own
     */
    ProcessReaper(String marker, String user) {
        this.marker = marker;
        this.user = user;
    }

    /** Starts watching the test JVM. */
    void watch(Process process) {
        root = process.toHandle();
    }

    /** Remembers the test JVM's descendants now, so that those that detach later are known. */
    void remember() {
        ProcessHandle jvm = root;
        if (jvm != null) {
            jvm.descendants().forEach(seen::add);
        }
    }

    /** Kills the test JVM and everything it started; waits briefly for them to go. */
    void killAll() {
        for (int round = 0; round < ROUNDS; round++) {
            remember();
            List<ProcessHandle> victims = ProcessHandle.allProcesses()
                    .filter(p -> p.pid() != ProcessHandle.current().pid())
                    .filter(p -> p.equals(root) || seen.contains(p) || marked(p) || owned(p))
                    .toList();
            if (victims.isEmpty()) {
                return;
            }
            victims.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle victim : victims) {
                try {
                    victim.onExit().get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    // still going: the next round kills again
                }
            }
        }
    }

    private boolean owned(ProcessHandle process) {
        return !user.isEmpty() && process.info().user().map(user::equals).orElse(false);
    }

    /** Whether {@code process} carries this run's marker in its environment (Linux only). */
    private boolean marked(ProcessHandle process) {
        Path environ = Path.of("/proc", Long.toString(process.pid()), "environ");
        try {
            byte[] bytes = Files.readAllBytes(environ);
            String needle = MARKER + "=" + marker;
            for (String entry : new String(bytes, StandardCharsets.UTF_8).split("\0")) {
                if (entry.equals(needle)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false; // not Linux, gone, or not ours to read
        }
    }
}
