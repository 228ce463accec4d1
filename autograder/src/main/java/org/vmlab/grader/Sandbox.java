package org.vmlab.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Running the test JVM as an unprivileged user of its own (Linux): the grader, as root, starts
 * it through util-linux's {@code setpriv}, with that user's ids, no supplementary groups and no
 * way to gain privileges again ({@code --no-new-privs}, so no setuid program helps). Such a JVM
 * can read what is readable by everyone, and write nothing of the grader's: not its reports, not
 * its work directory, not the repository, if their modes say so.
 */
final class Sandbox {

    private Sandbox() {
    }

    /** What goes before {@code java} on the test JVM's command line; empty for no user. */
    static List<String> launcherPrefix(String user) throws IOException {
        if (user.isEmpty()) {
            return List.of();
        }
        return List.of("setpriv", "--reuid=" + id(user, "-u"), "--regid=" + id(user, "-g"),
                "--clear-groups", "--no-new-privs", "--");
    }

    /**
     * Lets {@code user} pass through {@code dir} (mode 711) or, with {@code listable}, also read
     * it (755); never write. Nothing to do when the test JVM runs as the grader's own user.
     */
    static void openToOthers(Path dir, String user, boolean listable) throws IOException {
        if (user.isEmpty()) {
            return;
        }
        try {
            Files.setPosixFilePermissions(dir,
                    PosixFilePermissions.fromString(listable ? "rwxr-xr-x" : "rwx--x--x"));
        } catch (UnsupportedOperationException e) {
            throw new IOException("a test user needs a POSIX file system for " + dir, e);
        }
    }

    /** The working directory of one test JVM: listable, not writable. */
    static void openToOthers(Path cwd, String user) throws IOException {
        openToOthers(cwd, user, true);
    }

    /** {@code id -u user} or {@code id -g user}: the user's numeric id or primary group. */
    private static String id(String user, String which) throws IOException {
        Process id = new ProcessBuilder("id", which, user).redirectErrorStream(true).start();
        try {
            String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .strip();
            if (!id.waitFor(10, TimeUnit.SECONDS) || id.exitValue() != 0
                    || !out.matches("\\d+")) {
                throw new IOException("no such user to run the tests as: " + user);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking up user " + user, e);
        } finally {
            id.destroyForcibly();
        }
    }
}
