package org.vmlab.grader.labs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the students' stubs in {@code labs/src/main} from the reference solutions in
 * {@code solutions/src/main}, so that the two can never drift.
 *
 * <p>The rules, applied to every file under {@code solutions/src/main}:
 *
 * <ul>
 *   <li>A Java file's marked blocks are replaced. A block starts with a line
 *       {@code // BEGIN SOLUTION: <what the student must do>} and ends with a line
 *       {@code // END SOLUTION}; the whole block, marker lines included, becomes one line
 *       {@code throw new UnsupportedOperationException(...)} whose message is
 *       {@code TODO(labN): <what the student must do>},
 *       at the indentation of the {@code BEGIN} line. {@code labN} is the nearest folder of the
 *       file's path named {@code lab<digits>} ({@code TODO:} if there is none).</li>
 *   <li>Every other file, and a Java file without markers, is copied byte for byte.</li>
 *   <li>Files under {@code labs/src/main} that no solution file produces are deleted.</li>
 * </ul>
 *
 * <p>A block without a TODO text, a {@code BEGIN} inside a block, an {@code END} outside one and
 * a block left open at the end of the file are errors ({@link SyncException}), reported with the
 * file and line. Blocks are not allowed anywhere but where a {@code throw} statement compiles:
 * that is up to the author, and the build, which compiles {@code labs/}, checks it.
 *
 * <p>Usage: {@code LabSync <repository root> [--check]}. With {@code --check} nothing is
 * written; the files that differ from what a sync would write are listed and the exit status is 1
 * if there are any.
 */
public final class LabSync {

    /** A line that opens a marked block; group 1 is its indentation, group 2 the TODO text. */
    static final Pattern BEGIN = Pattern.compile("^(\\s*)//\\s*BEGIN SOLUTION\\b(.*)$");
    /** A line that closes a marked block. */
    static final Pattern END = Pattern.compile("^\\s*//\\s*END SOLUTION\\b.*$");
    private static final Pattern LAB = Pattern.compile("lab\\d+");

    private final Path solutions;
    private final Path labs;

    /** A sync of {@code <root>/solutions/src/main} into {@code <root>/labs/src/main}. */
    public LabSync(Path repositoryRoot) {
        this(repositoryRoot.resolve("solutions/src/main"), repositoryRoot.resolve("labs/src/main"));
    }

    /** A sync of the tree {@code from} into the tree {@code to}. */
    public LabSync(Path from, Path to) {
        this.solutions = from;
        this.labs = to;
    }

    /** A marked block that cannot be turned into a stub. */
    public static final class SyncException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SyncException(String message) {
            super(message);
        }
    }

    /** What a sync writes: relative path (with '/') to content. */
    public Map<String, byte[]> expected() {
        Map<String, byte[]> out = new TreeMap<>();
        for (Path file : files(solutions)) {
            String rel = relative(solutions, file);
            byte[] bytes = read(file);
            if (rel.endsWith(".java")) {
                String text = new String(bytes, StandardCharsets.UTF_8);
                Optional<String> stub = stub(rel, text);
                out.put(rel, stub.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(bytes));
            } else {
                out.put(rel, bytes);
            }
        }
        return out;
    }

    /**
     * The files of the labs tree that differ from what a sync would write, as relative paths with
     * a note: {@code "changed"}, {@code "missing"} or {@code "not generated"}. Empty when in sync.
     */
    public List<String> check() {
        Map<String, byte[]> expected = expected();
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            Path target = labs.resolve(e.getKey());
            if (!Files.isRegularFile(target)) {
                differences.add(e.getKey() + " (missing)");
            } else if (!Arrays.equals(read(target), e.getValue())) {
                differences.add(e.getKey() + " (changed)");
            }
        }
        for (Path file : files(labs)) {
            String rel = relative(labs, file);
            if (!expected.containsKey(rel)) {
                differences.add(rel + " (not generated)");
            }
        }
        return differences;
    }

    /** Writes the labs tree; returns the files it wrote or deleted (as {@link #check} names them). */
    public List<String> write() {
        List<String> differences = check();
        Map<String, byte[]> expected = expected();
        try {
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                Path target = labs.resolve(e.getKey());
                if (!Files.isRegularFile(target) || !Arrays.equals(read(target), e.getValue())) {
                    Files.createDirectories(target.getParent());
                    Files.write(target, e.getValue());
                }
            }
            for (Path file : files(labs)) {
                if (!expected.containsKey(relative(labs, file))) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return differences;
    }

    /**
     * The stub of a Java source, or empty if it has no marked block. {@code path} names the file
     * in messages and gives the lab of the TODO text.
     */
    public static Optional<String> stub(String path, String source) {
        String lab = labOf(path);
        String[] lines = source.split("\n", -1);
        StringBuilder out = new StringBuilder(source.length());
        boolean marked = false;
        int openedAt = -1;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String bare = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            Matcher begin = BEGIN.matcher(bare);
            boolean end = END.matcher(bare).matches();
            if (begin.matches()) {
                if (openedAt >= 0) {
                    throw new SyncException(String.format("%s:%d: // BEGIN SOLUTION inside the block "
                            + "opened at line %d", path, i + 1, openedAt + 1));
                }
                String todo = begin.group(2).strip();
                if (todo.startsWith(":")) {
                    todo = todo.substring(1).strip();
                }
                if (todo.isEmpty()) {
                    throw new SyncException(String.format("%s:%d: // BEGIN SOLUTION needs the TODO "
                            + "text the student sees: // BEGIN SOLUTION: <what to do>", path, i + 1));
                }
                openedAt = i;
                marked = true;
                out.append(begin.group(1)).append("throw new UnsupportedOperationException(\"")
                        .append(lab).append(' ').append(javaString(todo)).append("\");");
                out.append(line.endsWith("\r") ? "\r" : "");
                if (i < lines.length - 1) {
                    out.append('\n');
                }
            } else if (end) {
                if (openedAt < 0) {
                    throw new SyncException(String.format("%s:%d: // END SOLUTION without "
                            + "// BEGIN SOLUTION", path, i + 1));
                }
                openedAt = -1;
            } else if (openedAt < 0) {
                out.append(line);
                if (i < lines.length - 1) {
                    out.append('\n');
                }
            }
        }
        if (openedAt >= 0) {
            throw new SyncException(String.format("%s:%d: // BEGIN SOLUTION is never closed by "
                    + "// END SOLUTION", path, openedAt + 1));
        }
        return marked ? Optional.of(out.toString()) : Optional.empty();
    }

    private static String labOf(String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (LAB.matcher(parts[i]).matches()) {
                return "TODO(" + parts[i] + "):";
            }
        }
        return "TODO:";
    }

    private static String javaString(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The regular files under {@code root}, sorted; none if it is not a folder. */
    static List<Path> files(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code file} relative to {@code root}, with '/' between names. */
    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code LabSync <repository root> [--check]}. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--check"))) {
            System.err.println("usage: LabSync <repository root> [--check]");
            System.exit(2);
        }
        LabSync sync = new LabSync(Path.of(args[0]));
        try {
            if (args.length == 2) {
                List<String> differences = sync.check();
                if (differences.isEmpty()) {
                    System.out.println("labs/ is in sync with solutions/");
                    return;
                }
                System.out.println("labs/ differs from what sync-labs would write:");
                differences.forEach(d -> System.out.println("  " + d));
                System.exit(1);
            }
            List<String> written = sync.write();
            written.forEach(d -> System.out.println("synced " + d));
            System.out.println(written.size() + " file(s) synced");
        } catch (SyncException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
