package org.vmlab.grader.labs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a copy of the instructors' repository without what students must not have: the
 * students' handout, or the tree a grading package builds.
 *
 * <p>The files it starts from are those git tracks ({@link Selection#TRACKED}, the default): what
 * a clone of the repository holds, never an untracked note or a file git ignores. A tree that is
 * not a git checkout is refused unless the caller asks for {@link Selection#EVERY_FILE}. The rules,
 * for each of those files:
 *
 * <ul>
 *   <li>Left out: the {@code solutions} module (its folder, and its line in the root pom's
 *       modules); {@code .git}; for {@link Audience#STUDENTS}, the test classes under
 *       {@code labs/} whose graded tests are all hidden ({@link GradedTestSource}).</li>
 *   <li>In Markdown and XML files, the lines from a line {@code <!-- BEGIN INSTRUCTORS ONLY -->}
 *       to a line {@code <!-- END INSTRUCTORS ONLY -->} (each alone on its line) are left out; a
 *       file with nothing else is left out whole (the instructors' guide).</li>
 *   <li>Everything else is copied as it is, with its permissions: every module present and
 *       future, the Maven wrapper, the {@code vmlab} script, the docs.</li>
 * </ul>
 *
 * <p>Then {@link SolutionLeaks} checks the copy; a leak is an error that names file and line.
 */
public final class Handout {

    /** Who the copy is for. */
    public enum Audience {
        /** The students' repository: visible graded tests only. */
        STUDENTS,
        /** The grading package (Gradescope): every graded test, hidden ones too. */
        GRADER
    }

    /** Which files of the tree an export starts from. */
    public enum Selection {
        /** The files git tracks ({@code git ls-files}) that exist: what a clone holds. */
        TRACKED,
        /**
         * Every file of the tree but {@code .git} and what the root {@code .gitignore} ignores, in
         * its simple forms ({@code target/}, {@code *.iml}): for a tree that is not a git checkout.
         * An untracked note is taken too, so this is the caller's explicit choice.
         */
        EVERY_FILE
    }

    /** The module that never leaves the instructors' repository. */
    public static final String SOLUTIONS = "solutions";

    private static final String BEGIN_INSTRUCTORS = "<!-- BEGIN INSTRUCTORS ONLY -->";
    private static final String END_INSTRUCTORS = "<!-- END INSTRUCTORS ONLY -->";
    private static final Pattern SOLUTIONS_MODULE =
            Pattern.compile("(?m)^[ \\t]*<module>\\s*" + SOLUTIONS + "\\s*</module>[ \\t]*\\r?\\n");

    private final Path root;
    private final Selection selection;

    /** A handout of the files git tracks in the repository at {@code repositoryRoot}. */
    public Handout(Path repositoryRoot) {
        this(repositoryRoot, Selection.TRACKED);
    }

    /** A handout of the repository at {@code repositoryRoot}, starting from the files {@code selection} names. */
    public Handout(Path repositoryRoot, Selection selection) {
        this.selection = selection;
        this.root = repositoryRoot.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("labs"))) {
            throw new HandoutException(root + " is not a vmlab repository (no pom.xml and labs/)");
        }
        if (!Files.isDirectory(root.resolve(SOLUTIONS))) {
            throw new HandoutException(root + " has no solutions/: it is a handout already; "
                    + "export from the instructors' repository");
        }
    }

    /**
     * Writes the copy into {@code out} (created if missing; it should be empty) and checks it for
     * leaks; returns the files written, as paths relative to {@code out}.
     *
     * @throws HandoutException if the files git tracks are asked for and the tree is not a git
     *                          checkout, a test class mixes visible and hidden tests, or the copy
     *                          holds solution text (then {@code out} is left for inspection)
     */
    public List<String> writeTo(Path out, Audience audience) {
        List<String> written = new ArrayList<>();
        try {
            List<String> candidates = selection == Selection.TRACKED ? TrackedFiles.in(root) : everyFile();
            Files.createDirectories(out);
            for (String rel : candidates) {
                Path file = root.resolve(rel);
                // A tracked file deleted from the working tree is listed by git but gone.
                if (Files.isRegularFile(file) && included(rel, file, audience) && copy(file, out.resolve(rel), rel)) {
                    written.add(rel);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<SolutionLeaks.Leak> leaks = SolutionLeaks.of(root.resolve(SOLUTIONS + "/src/main")).findIn(out);
        if (!leaks.isEmpty()) {
            StringBuilder message = new StringBuilder("the copy in " + out + " holds solution text ("
                    + leaks.size() + " place(s)):");
            leaks.stream().limit(20).forEach(l -> message.append("\n").append(l));
            throw new HandoutException(message.toString());
        }
        return written;
    }

    private static boolean included(String rel, Path file, Audience audience) throws IOException {
        if (rel.equals(SOLUTIONS) || rel.startsWith(SOLUTIONS + "/") || rel.startsWith(".git/")
                || rel.equals(".git")) {
            return false;
        }
        if (audience == Audience.STUDENTS && rel.startsWith("labs/") && rel.endsWith(".java")) {
            return !GradedTestSource.parse(rel, Files.readString(file)).withheld();
        }
        return true;
    }

    /** Copies one file, transformed where the rules say; false if nothing is left of it. */
    private static boolean copy(Path from, Path to, String rel) throws IOException {
        Files.createDirectories(to.getParent());
        if (!rel.endsWith(".md") && !rel.endsWith(".xml")) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            return true;
        }
        String text = withoutInstructorsBlocks(Files.readString(from), rel);
        if (rel.equals("pom.xml")) {
            text = SOLUTIONS_MODULE.matcher(text).replaceAll("");
        }
        if (text.isBlank()) {
            return false;
        }
        Files.writeString(to, text, StandardCharsets.UTF_8);
        return true;
    }

    /** {@code text} without its instructors-only blocks, marker lines included. */
    static String withoutInstructorsBlocks(String text, String rel) {
        StringBuilder out = new StringBuilder(text.length());
        int openedAt = -1;
        String[] lines = text.split("(?<=\n)");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().equals(BEGIN_INSTRUCTORS)) {
                if (openedAt >= 0) {
                    throw new HandoutException(rel + ":" + (i + 1) + ": " + BEGIN_INSTRUCTORS
                            + " inside the block opened at line " + (openedAt + 1));
                }
                openedAt = i;
            } else if (line.strip().equals(END_INSTRUCTORS)) {
                if (openedAt < 0) {
                    throw new HandoutException(rel + ":" + (i + 1) + ": " + END_INSTRUCTORS
                            + " without " + BEGIN_INSTRUCTORS);
                }
                openedAt = -1;
            } else if (openedAt < 0) {
                out.append(line);
            }
        }
        if (openedAt >= 0) {
            throw new HandoutException(rel + ":" + (openedAt + 1) + ": " + BEGIN_INSTRUCTORS
                    + " is never closed");
        }
        return out.toString();
    }

    /** {@link Selection#EVERY_FILE}: the regular files of the tree but those the root .gitignore ignores; sorted. */
    private List<String> everyFile() throws IOException {
        List<PathMatcher> ignored = gitignore(root);
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .filter(rel -> !ignored(Path.of(rel), ignored))
                    .sorted().toList();
        }
    }

    /** True if {@code relative} or a folder on its way matches one of the .gitignore patterns. */
    private static boolean ignored(Path relative, List<PathMatcher> patterns) {
        for (int i = 1; i <= relative.getNameCount(); i++) {
            Path prefix = relative.subpath(0, i);
            for (PathMatcher m : patterns) {
                if (m.matches(prefix) || m.matches(prefix.getFileName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The root .gitignore's patterns, in the simple forms this repository uses: {@code name/} (a
     * folder of that name anywhere), {@code a/b} (a path from the root), {@code *.ext} or
     * {@code name} (a file or folder name anywhere).
     */
    private static List<PathMatcher> gitignore(Path root) {
        Path file = root.resolve(".gitignore");
        List<PathMatcher> matchers = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return matchers;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                String pattern = line.strip();
                if (pattern.isEmpty() || pattern.startsWith("#") || pattern.startsWith("!")) {
                    continue;
                }
                pattern = pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
                pattern = pattern.startsWith("/") ? pattern.substring(1) : pattern;
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return matchers;
    }
}
