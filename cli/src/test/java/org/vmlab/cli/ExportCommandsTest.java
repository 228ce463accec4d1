package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vmlab.cli.VmlabTest.vmlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * export-handout and gradescope-package as an instructor meets them. (What a handout holds is
 * specified in the autograder's HandoutTest; that it builds and grades, in GradescopePackageIT.)
 */
class ExportCommandsTest {

    @TempDir
    Path dir;

    @BeforeEach
    void inTheInstructorsRepository() {
        assumeTrue(Files.isDirectory(Home.root().resolve("solutions")), "the instructors' repository");
    }

    @Test
    void exportHandoutWritesAGitRepositoryWithoutSolutionsOrHiddenTests() {
        Path out = dir.resolve("starter");

        VmlabTest.Outcome o = vmlab("export-handout", "--out", out.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("files to " + out + " (no solutions module, no hidden tests; "
                + "checked for solution text)").contains("git: ");
        assertThat(out.resolve("labs/src/test/java/org/vmlab/labs/lab0/Lab0Test.java")).exists();
        assertThat(out.resolve("labs/src/test/java/org/vmlab/labs/lab0/Lab0HiddenTest.java")).doesNotExist();
        assertThat(out.resolve("solutions")).doesNotExist();
    }

    @Test
    void aFolderThatIsNotEmptyIsRefusedUnlessForced() throws IOException {
        Path out = Files.createDirectories(dir.resolve("starter"));
        Files.writeString(out.resolve("notes.txt"), "mine");

        VmlabTest.Outcome refused = vmlab("export-handout", "--out", out.toString());
        VmlabTest.Outcome forced = vmlab("export-handout", "--out", out.toString(), "--force", "--no-git");

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err().strip()).isEqualTo("vmlab: " + out
                + " is not empty (use --force to replace what it holds)");
        assertThat(forced.exitCode()).isZero();
        assertThat(out.resolve("notes.txt")).doesNotExist();
        assertThat(out.resolve(".git")).doesNotExist();
    }

    @Test
    void nothingIsExportedIntoTheRepositoryItself() {
        Path inside = Home.root().resolve("labs/starter");

        VmlabTest.Outcome o = vmlab("export-handout", "--out", inside.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).startsWith("vmlab: " + inside + " is inside the repository");
        assertThat(inside).doesNotExist();
    }

    /** The export takes the files git tracks; a plain folder is refused unless --all-files says so. */
    @Test
    void aTreeThatIsNotAGitCheckoutIsRefusedInOneLineUnlessAllFilesAreAskedFor() throws IOException {
        Path tree = dir.resolve("plain-copy");
        Files.createDirectories(tree.resolve("labs/docs"));
        Files.createDirectories(tree.resolve("solutions/src/main/java"));
        Files.writeString(tree.resolve("pom.xml"), "<project/>\n");
        Files.writeString(tree.resolve("labs/docs/lab0.md"), "# Lab 0\n");
        Path out = dir.resolve("starter");
        String home = System.getProperty("vmlab.home");
        System.setProperty("vmlab.home", tree.toString());
        try {
            VmlabTest.Outcome refused = vmlab("export-handout", "--out", out.toString(), "--no-git");
            VmlabTest.Outcome everyFile = vmlab("export-handout", "--out", out.toString(), "--no-git",
                    "--all-files", "--force");

            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err().strip()).startsWith("vmlab: " + tree + " is not a git checkout (")
                    .endsWith("to take every file, use --all-files").doesNotContain("\n");
            assertThat(everyFile.exitCode()).as(everyFile.err()).isZero();
            assertThat(out.resolve("labs/docs/lab0.md")).exists();
        } finally {
            if (home == null) {
                System.clearProperty("vmlab.home");
            } else {
                System.setProperty("vmlab.home", home);
            }
        }
    }

    @Test
    void theGradescopePackageHasTheScriptsAndTheHiddenTestsButNoSolutions() throws IOException {
        Path zip = dir.resolve("autograder.zip");

        VmlabTest.Outcome o = vmlab("gradescope-package", "--out", zip.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        List<String> entries = entries(zip);
        assertThat(entries).contains("setup.sh", "run_autograder", "vmlab/pom.xml", "vmlab/mvnw",
                "vmlab/labs/src/test/java/org/vmlab/labs/lab0/Lab0HiddenTest.java");
        assertThat(entries).noneMatch(e -> e.startsWith("vmlab/solutions/") || e.contains("/target/"));
        assertThat(vmlab("gradescope-package", "--out", zip.toString()).err().strip())
                .isEqualTo("vmlab: " + zip + " exists (use --force to replace it)");
    }

    @Test
    void theGradescopePackageIsAZip() {
        VmlabTest.Outcome o = vmlab("gradescope-package", "--out", dir.resolve("autograder.tar").toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).endsWith("autograder.tar: the package is a zip file; name it FILE.zip");
    }

    static List<String> entries(Path zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
