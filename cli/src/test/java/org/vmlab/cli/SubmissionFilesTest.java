package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which of a submission's files run_autograder takes, by the package the compiler reads. */
class SubmissionFilesTest {

    @TempDir
    Path submission;
    @TempDir
    Path tree;

    private void write(String path, String text) throws IOException {
        Path file = submission.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void takesLabCodeByItsPackageWhereverItIs() throws IOException {
        write("Classifier.java", "package org.vmlab.labs.lab0;\npublic final class Classifier {}\n");
        write("deep/down/Helper.java", "// a helper\npackage  org.vmlab.labs.lab1.util ;\nclass Helper {}\n");

        SubmissionFiles.Outcome outcome = SubmissionFiles.take(submission, tree);

        assertThat(outcome.taken()).containsExactlyInAnyOrder(
                "labs/src/main/java/org/vmlab/labs/lab0/Classifier.java",
                "labs/src/main/java/org/vmlab/labs/lab1/util/Helper.java");
        assertThat(outcome.leftOut()).isEmpty();
        assertThat(tree.resolve("labs/src/main/java/org/vmlab/labs/lab0/Classifier.java"))
                .hasContent("package org.vmlab.labs.lab0;\npublic final class Classifier {}");
    }

    @Test
    void aWholeRepositoryGivesOnlyItsLabSources() throws IOException {
        write("labs/src/main/java/org/vmlab/labs/lab0/Layout.java", "package org.vmlab.labs.lab0;\nclass Layout {}\n");
        write("autograder/src/main/java/org/vmlab/grader/Grader.java", "package org.vmlab.labs.lab0;\nclass Grader {}\n");

        SubmissionFiles.Outcome outcome = SubmissionFiles.take(submission, tree);

        assertThat(outcome.taken()).containsExactly("labs/src/main/java/org/vmlab/labs/lab0/Layout.java");
        assertThat(outcome.leftOut()).isEmpty();
    }

    @Test
    void aPackageInACommentOrAStringIsNoPackage() throws IOException {
        write("TestJvm.java", "/* package org.vmlab.labs.lab1; */ package org.vmlab.grader;\npublic class TestJvm {}\n");
        write("Line.java", "// package org.vmlab.labs.lab1;\npackage org.vmlab.grader;\nclass Line {}\n");
        write("Javadoc.java", "/**\n package org.vmlab.labs.lab1;\n */\nclass Javadoc {}\n");
        write("Text.java", "class Text { String s = \"\"\"\n package org.vmlab.labs.lab1;\n\"\"\"; }\n");
        write("Str.java", "class Str { String s = \"package org.vmlab.labs.lab1;\"; }\n");
        // A unicode escape for a line feed ends the comment: javac reads this package, and so do we.
        write("Escape.java", "// \\u000a package org.vmlab.labs.lab2;\nclass Escape {}\n");

        SubmissionFiles.Outcome outcome = SubmissionFiles.take(submission, tree);

        assertThat(outcome.taken()).containsExactly("labs/src/main/java/org/vmlab/labs/lab2/Escape.java");
        assertThat(outcome.leftOut()).containsExactlyInAnyOrder(
                "Javadoc.java (no package, not a lab's (org.vmlab.labs.labN))",
                "Line.java (package org.vmlab.grader, not a lab's (org.vmlab.labs.labN))",
                "Str.java (no package, not a lab's (org.vmlab.labs.labN))",
                "TestJvm.java (package org.vmlab.grader, not a lab's (org.vmlab.labs.labN))",
                "Text.java (no package, not a lab's (org.vmlab.labs.labN))");
        assertThat(tree.resolve("labs/src/main/java/org/vmlab/labs/lab1")).doesNotExist();
        assertThat(tree.resolve("labs/src/main/java/org/vmlab/grader")).doesNotExist();
    }

    @Test
    void leavesOutTestsResourcesLookalikesAndFilesThatDoNotParse() throws IOException {
        write("Lab0HiddenTest.java", "package org.vmlab.labs.lab0;\nclass Lab0HiddenTest {}\n");
        write("META-INF/services/org.junit.platform.launcher.TestExecutionListener", "org.vmlab.labs.lab0.Spy\n");
        write("junit-platform.properties", "junit.jupiter.extensions.autodetection.enabled=true\n");
        write("Near.java", "package org.vmlab.labsx.lab0;\nclass Near {}\n");
        write("Sub.java", "package org.vmlab.labs;\nclass Sub {}\n");
        write("Garbage.java", "pack age org.vmlab.labs.lab0;\nclass {\n");
        write("not-a-name.java", "package org.vmlab.labs.lab0;\nclass X {}\n");

        SubmissionFiles.Outcome outcome = SubmissionFiles.take(submission, tree);

        assertThat(outcome.taken()).isEmpty();
        assertThat(outcome.leftOut()).hasSize(7).anySatisfy(l -> assertThat(l)
                        .isEqualTo("Lab0HiddenTest.java (a test: the graded tests are the autograder's)"))
                .contains("META-INF/services/org.junit.platform.launcher.TestExecutionListener (not a .java file)",
                        "junit-platform.properties (not a .java file)",
                        "Near.java (package org.vmlab.labsx.lab0, not a lab's (org.vmlab.labs.labN))",
                        "Sub.java (package org.vmlab.labs, not a lab's (org.vmlab.labs.labN))",
                        "not-a-name.java (not the name of a Java class)")
                .anySatisfy(l -> assertThat(l).startsWith("Garbage.java (no package, not a lab's")
                        .contains("it does not parse: line 1: "));
        try (var files = Files.walk(tree)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aSyntaxErrorAfterTheLabPackageIsTakenForTheBuildToReport() throws IOException {
        write("Classifier.java", "package org.vmlab.labs.lab0;\npublic final class Classifier { int x = ; }\n");

        SubmissionFiles.Outcome outcome = SubmissionFiles.take(submission, tree);

        assertThat(outcome.taken()).containsExactly("labs/src/main/java/org/vmlab/labs/lab0/Classifier.java");
    }

    @Test
    void symbolicLinksAndSecondCopiesAreLeftOut() throws IOException {
        write("a/Layout.java", "package org.vmlab.labs.lab0;\nclass Layout {}\n");
        write("b/Layout.java", "package org.vmlab.labs.lab0;\nclass Layout { int second; }\n");
        Path outside = Files.writeString(tree.resolve("Outside.java"), "package org.vmlab.labs.lab0;\nclass Outside {}\n");
        Files.createSymbolicLink(submission.resolve("Outside.java"), outside);

        SubmissionFiles.Outcome outcome = SubmissionFiles.take(submission, tree);

        assertThat(outcome.taken()).containsExactly("labs/src/main/java/org/vmlab/labs/lab0/Layout.java");
        assertThat(outcome.leftOut()).containsExactly(
                "Outside.java (not a regular file)",
                "b/Layout.java (a second file for org/vmlab/labs/lab0/Layout.java)");
        assertThat(tree.resolve("labs/src/main/java/org/vmlab/labs/lab0/Layout.java")).content()
                .doesNotContain("second");
    }

    @Test
    void printsALinePerFileLeftOutAndTheCount() throws IOException {
        write("notes.txt", "hello\n");
        write("Classifier.java", "package org.vmlab.labs.lab0;\nclass Classifier {}\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        SubmissionFiles.print(SubmissionFiles.take(submission, tree), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "left out notes.txt (not a .java file)\ntook 1 source file(s) from the submission\n");
    }
}
