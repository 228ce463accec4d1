package org.vmlab.grader.labs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the reference solutions' text in a tree that must not hold it: a students' handout or a
 * grading package.
 *
 * <p>What counts as a leak:
 *
 * <ul>
 *   <li>two consecutive non-trivial lines of a marked solution block, found as two consecutive
 *       non-trivial lines of a file in the tree (a one-line block: its line alone). Lines are
 *       compared without their indentation and with runs of blanks as one. A line is trivial if
 *       it holds fewer than three words ({@code }}, {@code return true;}, {@code } else {}): such
 *       lines are everywhere. Requiring two lines in a row keeps a line that any test could hold
 *       ({@code for (Opcode op : Opcode.values()) {}) from counting on its own, while a copied
 *       block, or any two lines of it, is found;</li>
 *   <li>a marker line ({@code // BEGIN SOLUTION}, {@code // END SOLUTION}, as the sync reads
 *       them) anywhere but in {@code autograder/src/test}, where the sync's own tests show the
 *       markers on made-up code.</li>
 * </ul>
 */
public final class SolutionLeaks {

    /** Where a leak is, and what leaked, as {@code file:line: what}. */
    public record Leak(String file, int line, String what) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + what;
        }
    }

    /** A line of a solution block, where it stands. */
    private record Origin(String file, int line) {
        @Override
        public String toString() {
            return "solutions/src/main/" + file + ":" + line;
        }
    }

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_]+");
    private static final String MARKERS_ALLOWED_UNDER = "autograder/src/test/";

    /** Two consecutive non-trivial lines of a block (joined by a newline), or a one-line block. */
    private final Map<String, Origin> secrets;

    private SolutionLeaks(Map<String, Origin> secrets) {
        this.secrets = secrets;
    }

    /** The solution text of every marked block under {@code solutionSources} (solutions/src/main). */
    public static SolutionLeaks of(Path solutionSources) {
        Map<String, Origin> secrets = new HashMap<>();
        for (Path file : LabSync.files(solutionSources)) {
            String rel = LabSync.relative(solutionSources, file);
            List<String> block = null;
            List<Integer> numbers = null;
            List<String> lines = lines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (LabSync.BEGIN.matcher(line).matches()) {
                    block = new ArrayList<>();
                    numbers = new ArrayList<>();
                } else if (LabSync.END.matcher(line).matches() && block != null) {
                    remember(block, numbers, rel, secrets);
                    block = null;
                } else if (block != null && !trivial(line)) {
                    block.add(normalized(line));
                    numbers.add(i + 1);
                }
            }
        }
        return new SolutionLeaks(secrets);
    }

    private static void remember(List<String> block, List<Integer> numbers, String file,
                                 Map<String, Origin> secrets) {
        if (block.size() == 1) {
            secrets.putIfAbsent(block.get(0), new Origin(file, numbers.get(0)));
        }
        for (int i = 0; i + 1 < block.size(); i++) {
            secrets.putIfAbsent(block.get(i) + "\n" + block.get(i + 1), new Origin(file, numbers.get(i)));
        }
    }

    /** Every leak in the files under {@code tree}, in file order; empty if there is none. */
    public List<Leak> findIn(Path tree) {
        List<Leak> leaks = new ArrayList<>();
        for (Path file : LabSync.files(tree)) {
            String rel = LabSync.relative(tree, file);
            if (!text(file)) {
                continue;
            }
            List<String> lines = lines(file);
            String previous = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if ((LabSync.BEGIN.matcher(line).matches() || LabSync.END.matcher(line).matches())
                        && !rel.startsWith(MARKERS_ALLOWED_UNDER)) {
                    leaks.add(new Leak(rel, i + 1, "a solution marker line: " + line.strip()));
                }
                if (trivial(line)) {
                    continue;
                }
                String current = normalized(line);
                Origin single = secrets.get(current);
                Origin pair = previous == null ? null : secrets.get(previous + "\n" + current);
                if (single != null || pair != null) {
                    leaks.add(new Leak(rel, i + 1, "solution text from "
                            + (pair != null ? pair : single) + ": " + current));
                }
                previous = current;
            }
        }
        return leaks;
    }

    static boolean trivial(String line) {
        Matcher words = WORD.matcher(line);
        int n = 0;
        while (n < 3 && words.find()) {
            n++;
        }
        return n < 3;
    }

    static String normalized(String line) {
        return line.strip().replaceAll("\\s+", " ");
    }

    /** False for files with a NUL byte in their first 8 KB (class files, jars, images). */
    private static boolean text(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8192);
            for (byte b : head) {
                if (b == 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            // as ISO-8859-1, so that any byte sequence reads; the markers and code are ASCII
            return List.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
                    .split("\r?\n", -1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
