package org.vmlab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vmlab.grader.FileTrees;
import org.vmlab.grader.labs.Handout;
import org.vmlab.grader.labs.HandoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vmlab gradescope-package}: write the autograder zip that Gradescope runs on every
 * submission. It holds setup.sh, run_autograder and the vmlab tree with the hidden tests but
 * without the solutions (checked for solution text).
 */
@Command(name = "gradescope-package", mixinStandardHelpOptions = true,
        header = "Write a Gradescope autograder zip for some labs (instructors).",
        description = {"Write a Gradescope autograder zip: setup.sh (installs a JDK 17 and builds vmlab, so",
                "that grading downloads nothing), run_autograder (builds the submission's lab code and",
                "grades every lab, hidden tests included; always writes results.json), and the vmlab tree",
                "under vmlab/ (the files git tracks) without the solutions. For instructors only: it holds",
                "the hidden tests.",
                "One assignment per lab: name the labs it grades (default: every lab).",
                "Example: vmlab gradescope-package lab1 --out ../lab1-autograder.zip"})
final class GradescopePackageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE.zip", required = true,
            description = "The zip to write, outside this repository.")
    Path out;

    @Option(names = "--force", description = "Replace FILE.zip if it exists.")
    boolean force;

    @Option(names = "--all-files", description = {"Take every file of the tree, tracked or not (but what the root",
            ".gitignore ignores): for a tree that is not a git checkout."})
    boolean allFiles;

    @Parameters(paramLabel = "LAB", arity = "0..*",
            description = "The labs this package grades, such as lab1 (default: every lab).")
    List<String> labs = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        OutputPlace.ordinary("--out", out.toString());
        if (!out.getFileName().toString().endsWith(".zip")) {
            throw new UserError(out + ": the package is a zip file; name it FILE.zip");
        }
        Path root = Home.root();
        List<String> known = GradeCommand.availableLabs(root);
        for (String lab : labs) {
            if (!known.contains(lab)) {
                throw new UserError("unknown lab '" + lab + "' (expected one of: " + String.join(", ", known) + ")");
            }
        }
        OutputPlace.prepareFile("--out", out, root, force);
        Path staging = Files.createTempDirectory("vmlab-gradescope");
        try {
            Path tree = staging.resolve(GradescopePackage.TREE);
            new Handout(root, ExportHandoutCommand.selection(allFiles)).writeTo(tree, Handout.Audience.GRADER);
            int entries = GradescopePackage.write(tree, labs, out);
            PrintWriter console = spec.commandLine().getOut();
            console.println("wrote " + out + " (" + entries + " files: setup.sh, run_autograder, "
                    + GradescopePackage.TREE + "/ with the hidden tests and without the solutions)");
            console.println("upload it as the autograder of a Gradescope programming assignment "
                    + "(see docs/instructors.md)");
            console.flush();
        } catch (HandoutException e) {
            throw UserError.located("vmlab: " + e.getMessage());
        } catch (IOException e) {
            throw new UserError("cannot write the package " + out + " (" + OutputPlace.reason(e) + ")");
        } catch (java.io.UncheckedIOException e) {
            throw new UserError("cannot write the package " + out + " (" + OutputPlace.reason(e.getCause()) + ")");
        } finally {
            FileTrees.deleteQuietly(staging);
        }
        return 0;
    }
}
