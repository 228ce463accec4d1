package org.vmlab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.vmlab.grader.labs.LabSync;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vmlab sync-labs}: write the students' stubs in labs/ from the marked solutions. */
@Command(name = "sync-labs", mixinStandardHelpOptions = true,
        header = "Write the labs' stubs from the marked solutions (instructors).",
        description = {"Write labs/src/main from solutions/src/main: every // BEGIN SOLUTION: <todo> ...",
                "// END SOLUTION block becomes a TODO stub; other files are copied. See docs/instructors.md.",
                "With --check, write nothing and exit 1 if labs/ differs from what sync would write."})
final class SyncLabsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--check", description = "Only list the files that differ.")
    boolean check;

    @Override
    public Integer call() {
        Path root = Home.root();
        if (!Files.isDirectory(root.resolve("solutions/src/main"))) {
            // without this, a sync would find no solution files and delete every stub
            throw new UserError("no solutions/ here: sync-labs belongs to the instructors' repository, "
                    + "not to a handout");
        }
        LabSync sync = new LabSync(root);
        List<String> differences;
        try {
            differences = check ? sync.check() : sync.write();
        } catch (LabSync.SyncException e) {
            throw UserError.located(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        differences.forEach(d -> out.println((check ? "differs: " : "wrote: ") + d));
        if (differences.isEmpty()) {
            out.println("labs/ is in sync with solutions/.");
        }
        return check && !differences.isEmpty() ? 1 : 0;
    }
}
