package org.vmlab.cli;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Takes a submission's lab code into a vmlab tree, for Gradescope's run_autograder: every
 * {@code .java} file whose package, as the Java compiler itself reads it (comments, strings, text
 * blocks and unicode escapes included), is a lab's ({@code org.vmlab.labs.labN} or below), and
 * whose name does not end in {@code Test.java}, is copied to
 * {@code labs/src/main/java/<package path>/<name>}. Everything else is left out with one line
 * saying why, so the submission can neither replace the graded tests or the grader nor add
 * resources.
 *
 * <p>A submission is a whole repository (then its {@code labs/src/main/java} is taken) or loose
 * files, each placed by its package.
 *
 * <p>Run as {@code java -cp vmlab.jar org.vmlab.cli.SubmissionFiles SUBMISSION TREE}; exits 0
 * when it has looked at every file (even if it took none), 2 on a wrong call, 1 when it could not
 * read or write.
 */
public final class SubmissionFiles {
    /** A lab's package or one below it, in plain ASCII identifiers. */
    static final Pattern LAB_PACKAGE =
            Pattern.compile("org\\.vmlab\\.labs\\.lab[0-9]+(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    /** A source file's name: a class name and .java. */
    private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*\\.java");
    /** The most lines about files left out that {@link #main} prints. */
    static final int MAX_LINES = 200;

    /** What became of the submission's files: the ones taken and a line per file left out. */
    record Outcome(List<String> taken, List<String> leftOut) {
    }

    private SubmissionFiles() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java -cp vmlab.jar org.vmlab.cli.SubmissionFiles SUBMISSION TREE");
            System.exit(2);
        }
        try {
            Outcome outcome = take(Path.of(args[0]), Path.of(args[1]));
            print(outcome, System.out);
        } catch (IOException | RuntimeException e) {
            System.err.println("SubmissionFiles: " + e);
            System.exit(1);
        }
    }

    /** Prints the lines about the files left out (at most {@value #MAX_LINES}) and a count. */
    static void print(Outcome outcome, PrintStream out) {
        List<String> lines = outcome.leftOut();
        lines.stream().limit(MAX_LINES).forEach(line -> out.println("left out " + line));
        if (lines.size() > MAX_LINES) {
            out.println("left out " + (lines.size() - MAX_LINES) + " more file(s)");
        }
        out.println("took " + outcome.taken().size() + " source file(s) from the submission");
    }

    /**
     * Copies the lab code of {@code submission} into {@code tree}'s labs/src/main/java; returns
     * the files taken (as placed in the tree) and why every other file was left out.
     */
    static Outcome take(Path submission, Path tree) throws IOException {
        Path from = submission.resolve("labs/src/main/java");
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            from = submission;
        }
        Path sources = tree.resolve("labs/src/main/java");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {   // does not follow symbolic links
            files = walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        List<String> taken = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        Set<Path> placed = new HashSet<>();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IOException("no Java compiler in this Java (a JDK is needed)");
        }
        try (StandardJavaFileManager fileManager =
                     javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
            for (Path file : files) {
                String shown = submission.relativize(file).toString();
                String name = file.getFileName().toString();
                String why;
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    why = "not a regular file";
                } else if (!name.endsWith(".java")) {
                    why = "not a .java file";
                } else if (name.endsWith("Test.java")) {
                    why = "a test: the graded tests are the autograder's";
                } else if (!SOURCE_NAME.matcher(name).matches()) {
                    why = "not the name of a Java class";
                } else {
                    Declared declared = packageOf(javac, fileManager, file);
                    if (declared.pkg() == null || !LAB_PACKAGE.matcher(declared.pkg()).matches()) {
                        why = (declared.pkg() == null ? "no package" : "package " + declared.pkg())
                                + ", not a lab's (org.vmlab.labs.labN)"
                                + (declared.error() == null ? "" : "; it does not parse: " + declared.error());
                    } else {
                        Path target = sources.resolve(declared.pkg().replace('.', '/')).resolve(name);
                        if (!placed.add(target)) {
                            why = "a second file for " + sources.relativize(target);
                        } else {
                            Files.createDirectories(target.getParent());
                            Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                            taken.add(tree.relativize(target).toString());
                            continue;
                        }
                    }
                }
                leftOut.add(shown + " (" + why + ")");
            }
        }
        return new Outcome(taken, leftOut);
    }

    /** A file's package as the compiler reads it (null: none), and its first syntax error, if any. */
    record Declared(String pkg, String error) {
    }

    /**
     * Parses {@code file} (only parses: nothing is compiled, no annotation processor runs) and
     * returns its package declaration. A file with a syntax error after its package declaration
     * still has that package (the build then reports the error to the student).
     */
    static Declared packageOf(JavaCompiler javac, StandardJavaFileManager fileManager, Path file)
            throws IOException {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Iterable<? extends JavaFileObject> units = fileManager.getJavaFileObjects(file);
        JavacTask task = (JavacTask) javac.getTask(null, fileManager, diagnostics,
                List.of("-proc:none", "-Xlint:none", "-nowarn"), null, units);
        String pkg = null;
        for (CompilationUnitTree unit : task.parse()) {
            ExpressionTree name = unit.getPackageName();
            if (name != null) {
                pkg = name.toString();
            }
        }
        String error = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                .findFirst().orElse(null);
        return new Declared(pkg, error);
    }
}
