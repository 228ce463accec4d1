package org.vmlab.grader.labs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.grader.FileTrees;

/** What the students' handout and the grading package hold, and what they never hold. */
class HandoutTest {

    @TempDir
    Path dir;
    private Path repo;

    @BeforeEach
    void aSmallInstructorsRepository() throws IOException {
        repo = dir.resolve("repo");
        write("pom.xml", "<modules>\n    <module>core</module>\n    <module>labs</module>\n"
                + "    <module>solutions</module>\n    <module>future-module</module>\n</modules>\n");
        write(".gitignore", "target/\n*.iml\n.idea/\n");
        write("README.md", "# Course\n<!-- BEGIN INSTRUCTORS ONLY -->\nrun the solutions\n"
                + "<!-- END INSTRUCTORS ONLY -->\nGrade with ./vmlab grade.\n");
        write("docs/instructors.md", "<!-- BEGIN INSTRUCTORS ONLY -->\n# For instructors\n"
                + "<!-- END INSTRUCTORS ONLY -->\n");
        write("solutions/src/main/java/org/vmlab/labs/lab1/Adder.java", """
                class Adder {
                    int add(int a, int b) {
                        // BEGIN SOLUTION: the sum
                        int sum = Math.addExact(a, b);
                        return Math.max(sum, Integer.MIN_VALUE);
                        // END SOLUTION
                    }
                }
                """);
        write("labs/src/main/java/org/vmlab/labs/lab1/Adder.java", "class Adder { /* TODO(lab1) */ }\n");
        write("labs/src/test/java/org/vmlab/labs/lab1/Lab1Test.java",
                "@Graded(points = 1) void adds() {}\n");
        write("labs/src/test/java/org/vmlab/labs/lab1/Lab1HiddenTest.java",
                "@Graded(points = 1, visibility = Visibility.HIDDEN) void addsBig() {}\n");
        write("future-module/src/main/java/F.java", "class F {}\n");
        write("core/target/classes/C.class", "binary");
        write("core/core.iml", "ide");
        write(".idea/workspace.xml", "ide");
        write("mvnw", "#!/bin/sh\n");
        repo.resolve("mvnw").toFile().setExecutable(true);
        git("init", "-q");
        track();
    }

    @Test
    void theStudentsGetEveryModuleButTheSolutionsAndOnlyVisibleTests() {
        Path out = dir.resolve("starter");

        List<String> files = new Handout(repo).writeTo(out, Handout.Audience.STUDENTS);

        assertThat(files).containsExactlyInAnyOrder(".gitignore", "README.md", "pom.xml", "mvnw",
                "labs/src/main/java/org/vmlab/labs/lab1/Adder.java",
                "labs/src/test/java/org/vmlab/labs/lab1/Lab1Test.java",
                "future-module/src/main/java/F.java");
        assertThat(out.resolve("mvnw").toFile().canExecute()).isTrue();
    }

    @Test
    void theRootPomListsNoSolutionsAndInstructorsBlocksAreGone() throws IOException {
        Path out = dir.resolve("starter");

        new Handout(repo).writeTo(out, Handout.Audience.STUDENTS);

        assertThat(Files.readString(out.resolve("pom.xml"))).isEqualTo("<modules>\n    <module>core</module>\n"
                + "    <module>labs</module>\n    <module>future-module</module>\n</modules>\n");
        assertThat(Files.readString(out.resolve("README.md"))).isEqualTo("# Course\nGrade with ./vmlab grade.\n");
    }

    @Test
    void theGradingPackageKeepsTheHiddenTests() {
        List<String> files = new Handout(repo).writeTo(dir.resolve("package"), Handout.Audience.GRADER);

        assertThat(files).contains("labs/src/test/java/org/vmlab/labs/lab1/Lab1HiddenTest.java")
                .noneMatch(f -> f.startsWith("solutions/"));
    }

    @Test
    void solutionTextInTheCopyIsAnErrorThatNamesTheLine() throws IOException {
        write("labs/docs/lab1.md", "Hint:\n\n    int sum = Math.addExact(a, b);\n    return Math.max(sum, Integer.MIN_VALUE);\n");
        track();

        assertThatThrownBy(() -> new Handout(repo).writeTo(dir.resolve("starter"), Handout.Audience.STUDENTS))
                .isInstanceOf(HandoutException.class)
                .hasMessageContaining("holds solution text (1 place(s)):\nlabs/docs/lab1.md:4: solution text from "
                        + "solutions/src/main/java/org/vmlab/labs/lab1/Adder.java:4");
    }

    @Test
    void onlyFilesThatGitTracksAreExported() throws IOException {
        write("docs/exam-answers.md", "an untracked note of the instructor's\n");
        write("docs/old-notes.md", "tracked, then deleted from the working tree\n");
        track();
        Files.delete(repo.resolve("docs/old-notes.md"));
        write(".gitignore", "target/\n*.iml\n.idea/\nprivate/\n");
        write("private/grades.csv", "ignored by git\n");
        track();
        write("labs/docs/untracked-draft.md", "never added\n");

        List<String> files = new Handout(repo).writeTo(dir.resolve("starter"), Handout.Audience.STUDENTS);

        assertThat(files).contains("docs/exam-answers.md", "README.md")
                .doesNotContain("docs/old-notes.md", "private/grades.csv", "labs/docs/untracked-draft.md");
        assertThat(dir.resolve("starter/labs/docs/untracked-draft.md")).doesNotExist();
    }

    @Test
    void aTreeThatIsNotAGitCheckoutIsRefusedUnlessEveryFileIsAskedFor() throws IOException {
        FileTrees.deleteRecursively(repo.resolve(".git"));

        assertThatThrownBy(() -> new Handout(repo).writeTo(dir.resolve("starter"), Handout.Audience.STUDENTS))
                .isInstanceOf(HandoutException.class)
                .hasMessageStartingWith(repo.toAbsolutePath().normalize() + " is not a git checkout (")
                .hasMessageEndingWith("): an export takes only the files git tracks; to take every file, use --all-files")
                .hasMessageNotContaining("\n");
        List<String> files = new Handout(repo, Handout.Selection.EVERY_FILE)
                .writeTo(dir.resolve("every-file"), Handout.Audience.STUDENTS);
        assertThat(files).containsExactlyInAnyOrder(".gitignore", "README.md", "pom.xml", "mvnw",
                "labs/src/main/java/org/vmlab/labs/lab1/Adder.java",
                "labs/src/test/java/org/vmlab/labs/lab1/Lab1Test.java",
                "future-module/src/main/java/F.java");
    }

    @Test
    void aHandoutCannotBeMadeFromAHandout() throws IOException {
        Path starter = dir.resolve("starter");
        new Handout(repo).writeTo(starter, Handout.Audience.STUDENTS);

        assertThatThrownBy(() -> new Handout(starter)).isInstanceOf(HandoutException.class)
                .hasMessageEndingWith("has no solutions/: it is a handout already; export from the instructors' repository");
    }

    @Test
    void aMarkerMentionedInATextIsNoMarker() {
        assertThat(Handout.withoutInstructorsBlocks("Put it between `<!-- BEGIN INSTRUCTORS ONLY -->` and\n", "R.md"))
                .isEqualTo("Put it between `<!-- BEGIN INSTRUCTORS ONLY -->` and\n");
    }

    @Test
    void anUnclosedInstructorsBlockIsAnError() {
        assertThatThrownBy(() -> Handout.withoutInstructorsBlocks("a\n<!-- BEGIN INSTRUCTORS ONLY -->\nb\n", "R.md"))
                .hasMessage("R.md:2: <!-- BEGIN INSTRUCTORS ONLY --> is never closed");
    }

    /**
     * This repository's own handout: no solutions module, no hidden test, no solution text (the
     * export checks that itself, and fails if it finds any). Surefire runs in autograder/.
     */
    @Test
    void thisRepositorysHandoutHoldsNoSolutionAndNoHiddenTest() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("../solutions")), "the instructors' repository");
        Path out = dir.resolve("vmlab-starter");

        List<String> files = new Handout(Path.of("..")).writeTo(out, Handout.Audience.STUDENTS);

        assertThat(files).contains("pom.xml", "mvnw", "vmlab", ".mvn/wrapper/maven-wrapper.properties",
                ".github/workflows/grading.yml",
                "labs/src/test/java/org/vmlab/labs/lab0/Lab0Test.java", "labs/docs/lab0-virtualizable.md");
        assertThat(files).noneMatch(f -> f.startsWith("solutions/") || f.contains("/target/")
                || f.contains("HiddenTest") || f.equals("docs/instructors.md"));
        assertThat(Files.readString(out.resolve("pom.xml"))).doesNotContain("<module>solutions</module>");
        assertThat(Files.readString(out.resolve("cli/pom.xml"))).doesNotContain("solutions");
        assertThat(SolutionLeaks.of(Path.of("../solutions/src/main")).findIn(out)).isEmpty();
    }

    /** Stages every file git does not ignore, as an instructor's {@code git add -A} would. */
    private void track() {
        git("add", "-A");
    }

    private void git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("%s: %s", command, output).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void write(String rel, String text) throws IOException {
        Path file = repo.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
