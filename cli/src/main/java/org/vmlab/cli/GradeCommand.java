package org.vmlab.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.vmlab.grader.ConsoleReport;
import org.vmlab.grader.Grader;
import org.vmlab.grader.GradingProgress;
import org.vmlab.grader.GradingReport;
import org.vmlab.grader.GradingRequest;
import org.vmlab.grader.Limits;
import org.vmlab.grader.Reports;
import org.vmlab.grader.RunDetails;
import org.vmlab.grader.Scores;
import org.vmlab.grader.policy.SubmissionPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vmlab grade}: run the labs' graded tests against the student's code (or the reference
 * solutions) in a forked, limited JVM, and report.
 */
@Command(name = "grade", mixinStandardHelpOptions = true,
        description = {"Grade labs: run their graded tests in a separate JVM with memory and time limits.",
                "Prints a table of tests, points, status and reasons; --out also writes results.json",
                "(Gradescope), prairielearn-results.json, JUnit XML, Markdown and HTML.",
                "Exit codes: 0 graded (and at least --min), 1 below --min, 2 a usage error,",
                "3 the grading itself failed (the test JVM could not start, or a lab has no graded",
                "test): no score may be awarded.",
                "Example: vmlab grade lab0 --out results --min max"})
final class GradeCommand implements Callable<Integer> {
    /** The exit code when the score is below {@code --min}. */
    static final int BELOW_MIN = 1;
    /** The exit code when the grading itself failed: whatever it printed is no grade. */
    static final int GRADER_FAILED = 3;

    /** The implementations a grading run can use. */
    enum Impl { labs, solutions }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "LAB", arity = "0..*",
            description = "Labs to grade, such as lab0 (default: every lab).")
    List<String> labs = new ArrayList<>();

    @Option(names = "--impl", paramLabel = "IMPL", defaultValue = "labs",
            description = "Whose code: labs (yours, the default) or solutions (the reference).")
    Impl impl;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Also write every report (results.json, JUnit XML, Markdown, HTML) into DIR.")
    Path out;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            converter = Converters.TimeoutSeconds.class,
            description = "Wall-clock limit per test, 1..3600 (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--heap", paramLabel = "MB", defaultValue = "256", converter = Converters.HeapMb.class,
            description = "Heap limit of the test JVM, 64..8192 MB (default: ${DEFAULT-VALUE}).")
    int heapMb;

    @Option(names = "--min", paramLabel = "POINTS",
            description = "Exit with code 1 if the score is below POINTS (a number, or max for full marks).")
    String min;

    @Option(names = "--jvm-option", paramLabel = "OPTION", defaultValue = "-XX:TieredStopAtLevel=1",
            description = {"An option for the test JVM; repeat for more (default: ${DEFAULT-VALUE},",
                    "which starts quickly: graded tests are short; give -XX:TieredStopAtLevel=4 for long ones)."})
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--run-as", paramLabel = "USER",
            description = {"Run the test JVM as USER, an unprivileged account of its own (Linux;",
                    "vmlab grade must run as root, with util-linux's setpriv). See docs/grading.md."})
    String runAs;

    @Override
    public Integer call() throws IOException {
        Path root = Home.root();
        List<String> available = availableLabs(root);
        List<String> chosen = labs.isEmpty() ? available : labs;
        for (String lab : chosen) {
            if (!available.contains(lab)) {
                throw new UserError("unknown lab '" + lab + "' (expected one of: "
                        + String.join(", ", available) + ")");
            }
        }
        if (impl == Impl.solutions && !Files.isDirectory(root.resolve("solutions"))) {
            throw new UserError("there are no solutions in this repository (a students' handout); "
                    + "grade your own code with: vmlab grade");
        }
        checkMin();
        checkRunAs();
        checkOut();
        PrintWriter err = spec.commandLine().getErr();
        LabBuild.of(impl.name(), err).upToDate();
        GradingRequest request = new GradingRequest(List.of(),
                chosen.stream().map(lab -> "org.vmlab.labs." + lab).toList(),
                classpath(root), Limits.DEFAULT.withHeapMb(heapMb)
                .withTestTimeout(Duration.ofSeconds(timeoutSeconds)).withJvmOptions(jvmOptions),
                runAs == null ? "" : runAs);
        Map<String, String> refusals = checkPolicy(root, chosen);
        GradingReport report = gradeInTemporaryFolder(request, refusals, told(err)).withDetails(RunDetails
                .startedAt(Instant.now()).withSource(impl.name(), LabTitles.commit(root))
                .withSuiteTitles(LabTitles.of(root, chosen)));
        PrintWriter console = spec.commandLine().getOut();
        String again = String.join(" ", Stream.concat(Stream.of("vmlab grade"), labs.stream()).toList())
                + (impl == Impl.labs ? "" : " --impl " + impl);
        console.print(new ConsoleReport(ConsoleReport.DEFAULT_WIDTH, out != null
                ? "the reports in " + out + " (summary.txt, report.html, results.json)."
                : again + " --out DIR writes it into DIR (summary.txt, report.html, results.json).")
                .render(report));
        if (out != null) {
            try {
                Reports.writeAll(report, out);
            } catch (IOException e) {
                console.flush();
                throw new UserError("--out " + out + ": " + e.getMessage());
            }
            console.println("reports written to " + out);
        }
        console.flush();
        if (report.failed() || report.results().isEmpty()) {
            err.println("vmlab: the grading itself failed, so there is no score: "
                    + (report.failed() ? report.graderFailure().replace("\n", "; ")
                    : "no graded test ran") + " (exit code " + GRADER_FAILED + ")");
            err.flush();
            return GRADER_FAILED;
        }
        boolean below = min != null && report.score() < minimumOf(report);
        if (min != null) {
            String points = Scores.format(minimumOf(report));
            console.println(below ? "below the minimum of " + points + " points (exit code 1)"
                    : "at least the minimum of " + points + " points");
        }
        console.flush();
        return below ? BELOW_MIN : 0;
    }

    /**
     * Grades with a work folder of its own, outside the repository (see docs/grading.md), and
     * removes it afterwards.
     */
    private static GradingReport gradeInTemporaryFolder(GradingRequest request,
                                                        Map<String, String> refusals,
                                                        GradingProgress progress)
            throws IOException {
        Path work = Files.createTempDirectory("vmlab-grade");
        work.toFile().deleteOnExit();   // after the grader's own clean-up, even on SIGTERM
        try {
            return new Grader(work, progress).grade(request, refusals);
        } finally {
            Files.deleteIfExists(work);   // empty by now: the grader deletes what it wrote
        }
    }

    /**
     * Checks the compiled lab code against the submission policy before any of it runs: prints
     * one line per violation, and returns the labs whose tests must not run, with the reason.
     */
    private Map<String, String> checkPolicy(Path root, List<String> labs) throws IOException {
        SubmissionPolicy.Verdict verdict = new SubmissionPolicy()
                .check(root.resolve(impl + "/target/classes"));
        Map<String, String> refusals = new LinkedHashMap<>();
        if (verdict.clean()) {
            return refusals;
        }
        PrintWriter console = spec.commandLine().getOut();
        console.println("The submission policy (docs/grading.md) forbids, in the compiled lab code:");
        verdict.lines().forEach(line -> console.println("  " + line));
        for (String lab : labs) {
            String pkg = "org.vmlab.labs." + lab;
            verdict.refusal(pkg).ifPresent(reason -> refusals.put(pkg, reason));
        }
        if (!refusals.isEmpty()) {
            console.println("The tests of " + String.join(", ", refusals.keySet().stream()
                    .map(p -> p.substring(p.lastIndexOf('.') + 1)).toList())
                    + " are not run and score 0.");
        }
        console.flush();
        return refusals;
    }

    /**
     * Tells each test on {@code err} as it finishes, one line of at most 100 columns: the table
     * at the end has the points and the reasons.
     */
    private static GradingProgress told(PrintWriter err) {
        return (test, status, took) -> {
            String head = String.format("  %-5s %-7s ", test.number(), status.name().toLowerCase(java.util.Locale.ROOT));
            String tail = String.format(" (%.1f s)", took.toMillis() / 1000.0);
            String name = test.name().replaceAll("\\s+", " ");
            int room = ConsoleReport.DEFAULT_WIDTH - head.length() - tail.length();
            err.println(head + (name.length() <= room ? name : name.substring(0, room - 1) + "…") + tail);
            err.flush();
        };
    }

    /**
     * Refuses an output place that cannot hold the reports (a file, the root of the file system,
     * the kernel's file systems, a folder that cannot be made or written in), before any grading.
     */
    private void checkOut() {
        if (out != null) {
            OutputPlace.checkFolder("--out", out.toString());
        }
    }

    /** Refuses {@code --run-as} where it cannot work. */
    private void checkRunAs() {
        if (runAs == null) {
            return;
        }
        if (!runAs.matches("[a-z_][a-z0-9_-]*")) {
            throw new UserError("--run-as takes a user name, not '" + runAs + "'");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new UserError("--run-as needs vmlab grade to run as root (it is "
                    + System.getProperty("user.name") + ")");
        }
    }

    /** Refuses a {@code --min} that is neither {@code max} nor a number of points. */
    private void checkMin() {
        if (min == null || min.equals("max")) {
            return;
        }
        try {
            double points = Double.parseDouble(min);
            if (points >= 0 && Double.isFinite(points)) {
                return;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UserError("--min takes a number of points (at least 0) or max, not '" + min + "'");
    }

    /** The points {@code --min} asks for: its number, or for max the report's full marks. */
    private double minimumOf(GradingReport report) {
        return min.equals("max") ? report.maxScore() : Double.parseDouble(min);
    }

    /** The labs whose graded tests exist: labs/src/test/java/org/vmlab/labs/labN. */
    static List<String> availableLabs(Path root) throws IOException {
        Path tests = root.resolve("labs/src/test/java/org/vmlab/labs");
        if (!Files.isDirectory(tests)) {
            throw new UserError("no labs found under " + tests + " (run vmlab from the repository root)");
        }
        try (Stream<Path> dirs = Files.list(tests)) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("lab\\d+")).sorted().toList();
        }
    }

    /**
     * The test JVM's classpath: the tests' own run-time dependencies (the grader, JUnit, the
     * VMM), which the labs build writes to {@code labs/target/graded-test-classpath.txt}, then
     * the graded tests, then the chosen code, last: a class of the code under test can add to
     * its own packages but never stand in for a class of the grader, JUnit or the tests.
     */
    private String classpath(Path root) throws IOException {
        Path tests = root.resolve("labs/target/test-classes");
        Path code = root.resolve(impl + "/target/classes");
        Path dependencies = root.resolve("labs/target/graded-test-classpath.txt");
        for (Path needed : List.of(tests, code, dependencies)) {
            if (!Files.exists(needed)) {
                throw new UserError(needed + " is missing: build first (./mvnw -q -DskipTests package)");
            }
        }
        return String.join(File.pathSeparator, Files.readString(dependencies).strip(),
                tests.toString(), code.toString());
    }
}
