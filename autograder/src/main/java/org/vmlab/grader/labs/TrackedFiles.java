package org.vmlab.grader.labs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The files git tracks in a working tree ({@code git ls-files}): what a fresh clone of the
 * repository holds. An export takes these and nothing else, so that a note lying untracked in the
 * instructor's tree, or a file git ignores, never reaches the students.
 */
final class TrackedFiles {
    private TrackedFiles() {
    }

    /**
     * The paths, relative to {@code root} and with '/' between names, of the files git tracks
     * under {@code root}; sorted. A tracked file that was deleted from the working tree is still
     * listed (the caller checks what exists).
     *
     * @throws HandoutException if {@code root} is not in a git checkout, or git is not installed
     */
    static List<String> in(Path root) {
        String run = "git ls-files in " + root;
        try {
            // -z: paths verbatim, NUL-separated, never quoted; they are relative to the folder git runs in.
            Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z").start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(git.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (git.waitFor() != 0) {
                throw new HandoutException(root + " is not a git checkout (" + firstLine(err)
                        + "): an export takes only the files git tracks; to take every file, use --all-files");
            }
            return Arrays.stream(out.split("\0")).filter(p -> !p.isEmpty()).sorted().toList();
        } catch (IOException e) {
            throw new HandoutException("git is not installed (" + run + " failed): an export takes only "
                    + "the files git tracks; to take every file, use --all-files");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HandoutException(run + " was interrupted");
        }
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.isBlank() ? "git ls-files failed" : line;
    }
}
