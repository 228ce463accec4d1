package org.vmlab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Keeps a lab implementation's build output up to date with its sources, in seconds: when a
 * source of {@code labs} (or {@code solutions}) is newer than the classes built from it, the JDK's
 * compiler compiles that module's sources again, against the framework the command itself runs
 * on, and the new classes replace the old. A student's edit is graded without a Maven build of
 * the framework, which has not changed.
 *
 * <p>The module's sources are compiled together (there are a few dozen), into a fresh folder
 * first: a source that does not compile leaves the last good classes in place, and the errors
 * are reported as {@code file:line:col: message}, as the assembler reports its own.
 */
public final class LabBuild {
    private static final String LABS_PACKAGE = "org/vmlab/labs";

    private final Path module;
    private final PrintWriter err;

    /**
     * @param module the module's folder ({@code labs} or {@code solutions})
     * @param err    where progress is told
     */
    LabBuild(Path module, PrintWriter err) {
        this.module = module;
        this.err = err;
    }

    /** The build of the module {@code labs} or {@code solutions} of the repository the command runs from. */
    static LabBuild of(String module, PrintWriter err) {
        return new LabBuild(Home.root().resolve(module), err);
    }

    private Path sources() {
        return module.resolve("src/main/java");
    }

    private Path resources() {
        return module.resolve("src/main/resources");
    }

    private Path classes() {
        return module.resolve("target/classes");
    }

    /**
     * Compiles the module again if a source changed since its classes were built.
     *
     * @return whether it compiled
     * @throws UserError when the classes were never built, or the sources do not compile
     */
    boolean upToDate() {
        if (!Files.isDirectory(classes().resolve(LABS_PACKAGE))) {
            throw new UserError(classes() + " is missing: build first (./mvnw -q -DskipTests package)");
        }
        if (!Files.isDirectory(sources())) {
            return false;   // a build output without its sources: nothing to compare
        }
        List<Path> changed;
        try {
            changed = changedSources();
        } catch (UncheckedIOException e) {
            throw cannot("look at the sources of", e.getCause());
        }
        if (changed.isEmpty()) {
            return false;
        }
        long start = System.nanoTime();
        err.printf("vmlab: compiling %s (%s changed)...%n", module.getFileName(), describe(changed));
        err.flush();
        compile();
        err.printf("vmlab: compiled %s in %.1f s%n", module.getFileName(), (System.nanoTime() - start) / 1e9);
        err.flush();
        return true;
    }

    /**
     * Compiles the module's sources, whatever their dates: Gradescope's {@code run_autograder}
     * calls this on the submission's code before grading it ({@code java -cp vmlab.jar
     * org.vmlab.cli.LabBuild MODULE}); the errors go to standard output, and the exit code is 1.
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        if (args.length != 1) {
            out.println("usage: LabBuild MODULE (the folder of labs or solutions)");
            System.exit(2);
        }
        try {
            LabBuild build = new LabBuild(Path.of(args[0]), out);
            build.compileEverything();
        } catch (UserError e) {
            out.println(e.getMessage());
            out.flush();
            System.exit(1);
        }
        out.flush();
    }

    /** Compiles the module's sources now, whatever their dates. */
    void compileEverything() {
        if (!Files.isDirectory(sources())) {
            throw new UserError(sources() + " is missing: nothing to compile");
        }
        long start = System.nanoTime();
        compile();
        err.printf("vmlab: compiled %s in %.1f s%n", module.getFileName(), (System.nanoTime() - start) / 1e9);
        err.flush();
    }

    /** A file of the module that cannot be read or written, in one line: "cannot compile labs: X (permission denied)". */
    private UserError cannot(String what, IOException e) {
        String file = e instanceof java.nio.file.FileSystemException fs && fs.getFile() != null ? fs.getFile() + " " : "";
        return new UserError("cannot " + what + " " + module.getFileName() + ": " + file + "(" + OutputPlace.reason(e) + ")");
    }

    /** The sources and resources newer than the newest class built from them. */
    List<Path> changedSources() {
        FileTime built = newest(classes().resolve(LABS_PACKAGE), ".class");
        List<Path> changed = new ArrayList<>();
        for (Path root : List.of(sources(), resources())) {
            for (Path file : files(root)) {
                if (modified(file).compareTo(built) > 0) {
                    changed.add(file);
                }
            }
        }
        return changed;
    }

    private String describe(List<Path> changed) {
        if (changed.size() > 1) {
            return changed.size() + " files";
        }
        return module.relativize(changed.get(0)).toString();
    }

    /** Compiles every source into a fresh folder, then puts the result in place of the old classes. */
    private void compile() {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new UserError("this Java has no compiler (a JDK is needed, not only a JRE) to compile "
                    + module.getFileName() + ": run ./mvnw -q -DskipTests package instead");
        }
        Path fresh = null;
        try {
            fresh = Files.createTempDirectory("vmlab-lab-classes");
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            StringWriter javacOutput = new StringWriter();
            boolean ok;
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                    StandardCharsets.UTF_8)) {
                List<String> options = List.of("--release", "17", "-g", "-encoding", "UTF-8", "-proc:none",
                        "-implicit:none", "-classpath", System.getProperty("java.class.path"),
                        "-d", fresh.toString());
                ok = javac.getTask(javacOutput, files, diagnostics, options, null,
                        files.getJavaFileObjectsFromPaths(javaSources())).call();
            }
            if (!ok) {
                throw UserError.located(errors(diagnostics) + "vmlab: " + module.getFileName()
                        + " does not compile; the last classes that did are left in place");
            }
            // Stamped no older than the newest source, so that a source dated in the future (a
            // clock that differs, an archive's dates) does not make every command compile again.
            FileTime stamp = FileTime.fromMillis(Math.max(System.currentTimeMillis(),
                    Stream.of(sources(), resources()).map(root -> newest(root, "")).mapToLong(FileTime::toMillis)
                            .max().orElse(0)));
            replaceClasses(fresh, stamp);
            copyResources(stamp);
        } catch (IOException e) {
            throw cannot("compile", e);
        } finally {
            deleteQuietly(fresh);
        }
    }

    private List<Path> javaSources() {
        return files(sources()).stream().filter(p -> p.toString().endsWith(".java")).toList();
    }

    /** The compiler's errors, one {@code file:line:col: message} line each, paths as the user typed them. */
    private String errors(DiagnosticCollector<JavaFileObject> diagnostics) {
        StringBuilder out = new StringBuilder();
        Path here = Path.of("").toAbsolutePath();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            String file = d.getSource() == null ? module.getFileName().toString()
                    : relative(here, Path.of(d.getSource().toUri()));
            String message = d.getMessage(Locale.ROOT).lines().findFirst().orElse("");
            out.append(file).append(':').append(d.getLineNumber()).append(':').append(d.getColumnNumber())
                    .append(": ").append(message).append('\n');
        }
        return out.toString();
    }

    private static String relative(Path here, Path file) {
        return file.startsWith(here) ? here.relativize(file).toString() : file.toString();
    }

    /** Swaps the lab classes: the old ones go (a class whose source was removed too), the new ones come. */
    private void replaceClasses(Path fresh, FileTime stamp) throws IOException {
        Path target = classes().resolve(LABS_PACKAGE);
        deleteQuietly(target);
        copyTree(fresh.resolve(LABS_PACKAGE), target, stamp);
    }

    private void copyResources(FileTime stamp) throws IOException {
        if (Files.isDirectory(resources())) {
            copyTree(resources(), classes(), stamp);
        }
    }

    private static void copyTree(Path from, Path to, FileTime stamp) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path copy = to.resolve(from.relativize(file).toString());
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setLastModifiedTime(copy, stamp);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static List<Path> files(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime newest(Path root, String suffix) {
        return files(root).stream().filter(p -> p.toString().endsWith(suffix)).map(LabBuild::modified)
                .max(FileTime::compareTo).orElse(FileTime.fromMillis(0));
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover temporary file; the next compile replaces the classes anyway
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}
