package org.vmlab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.vmlab.grader.labs.Handout;
import org.vmlab.grader.labs.HandoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmlab export-handout}: write the students' repository, without the solutions and the
 * hidden tests, checked for solution text; a fresh git repository with one commit when git is
 * installed.
 */
@Command(name = "export-handout", mixinStandardHelpOptions = true,
        header = "Write the students' repository: no solutions, no hidden tests (instructors).",
        description = {"Write the students' repository into DIR from the files git tracks (no untracked or",
                "ignored file): every module but solutions, the labs with their stubs, handouts and",
                "visible graded tests; no hidden tests, no solution text (checked). Then git init and an",
                "initial commit, if git is installed. See docs/instructors.md.",
                "Example: vmlab export-handout --out ../vmlab-starter"})
final class ExportHandoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Where to write the handout: a new or empty folder outside this repository.")
    Path out;

    @Option(names = "--force", description = "Replace what DIR holds.")
    boolean force;

    @Option(names = "--no-git", description = "Do not make DIR a git repository.")
    boolean noGit;

    @Option(names = "--all-files", description = {"Take every file of the tree, tracked or not (but what the root",
            ".gitignore ignores): for a tree that is not a git checkout."})
    boolean allFiles;

    @Override
    public Integer call() throws IOException {
        Path root = Home.root();
        OutputPlace.prepareFolder("--out", out, root, force);
        List<String> files;
        try {
            files = new Handout(root, selection(allFiles)).writeTo(out, Handout.Audience.STUDENTS);
        } catch (HandoutException e) {
            throw UserError.located("vmlab: " + e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new UserError("--out " + out + ": cannot write the handout there ("
                    + OutputPlace.reason(e.getCause()) + ")");
        }
        PrintWriter console = spec.commandLine().getOut();
        console.println("wrote " + files.size() + " files to " + out
                + " (no solutions module, no hidden tests; checked for solution text)");
        if (!noGit) {
            console.println(Git.initialCommit(out, "Starter code for the vmlab labs"));
        }
        console.println("next: cd " + out + " && ./mvnw -B verify && ./vmlab grade");
        console.flush();
        return 0;
    }

    /** The files an export starts from: those git tracks, unless {@code --all-files} asks for every file. */
    static Handout.Selection selection(boolean allFiles) {
        return allFiles ? Handout.Selection.EVERY_FILE : Handout.Selection.TRACKED;
    }
}
