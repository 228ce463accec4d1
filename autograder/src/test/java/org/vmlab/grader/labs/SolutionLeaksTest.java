package org.vmlab.grader.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leak check finds solution text in a copy, by file and line, and nothing else. */
class SolutionLeaksTest {

    @TempDir
    Path dir;
    private SolutionLeaks leaks;

    @BeforeEach
    void aSolutionWithTwoBlocks() throws IOException {
        write("solutions/src/main/java/lab7/Adder.java", """
                class Adder {
                    int add(int a, int b) {
                        // BEGIN SOLUTION: the sum
                        for (int i = 0; i < b; i++) {
                            a = Math.incrementExact(a);
                        }
                        return a;
                        // END SOLUTION
                    }
                    boolean odd(int x) {
                        // BEGIN SOLUTION: true if x is odd
                        return Math.floorMod(x, 2) == 1;
                        // END SOLUTION
                    }
                }
                """);
        leaks = SolutionLeaks.of(dir.resolve("solutions/src/main"));
    }

    @Test
    void twoConsecutiveLinesOfABlockAreALeakWhateverTheIndentation() throws IOException {
        write("out/docs/hint.md", "Try this:\n\n  for (int i = 0;   i < b; i++) {\n  a = Math.incrementExact(a);\n");

        List<SolutionLeaks.Leak> found = leaks.findIn(dir.resolve("out"));

        assertThat(found).extracting(Object::toString).containsExactly(
                "docs/hint.md:4: solution text from solutions/src/main/java/lab7/Adder.java:4: "
                        + "a = Math.incrementExact(a);");
    }

    @Test
    void oneLineOfALongerBlockAloneIsNot() throws IOException {
        write("out/Test.java", "for (int i = 0; i < b; i++) {\n    assertThat(i).isPositive();\n}\n");

        assertThat(leaks.findIn(dir.resolve("out"))).isEmpty();
    }

    @Test
    void theLineOfAOneLineBlockIsALeakOnItsOwn() throws IOException {
        write("out/labs/Odd.java", "x\n        return Math.floorMod(x, 2) == 1;\n");

        assertThat(leaks.findIn(dir.resolve("out"))).extracting(SolutionLeaks.Leak::file, SolutionLeaks.Leak::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("labs/Odd.java", 2));
    }

    @Test
    void aMarkerLineIsALeakExceptInTheSyncsOwnTests() throws IOException {
        write("out/labs/src/main/java/A.java", "class A {\n    // BEGIN SOLUTION: something\n}\n");
        write("out/autograder/src/test/java/LabSyncTest.java", "    // BEGIN SOLUTION: made up\n");

        assertThat(leaks.findIn(dir.resolve("out"))).extracting(Object::toString).containsExactly(
                "labs/src/main/java/A.java:2: a solution marker line: // BEGIN SOLUTION: something");
    }

    @Test
    void trivialLinesAreEverywhereAndNeverCount() throws IOException {
        write("out/B.java", "return a;\n}\n} else {\nreturn true;\n");

        assertThat(SolutionLeaks.trivial("return a;")).isTrue();
        assertThat(SolutionLeaks.trivial("a = Math.incrementExact(a);")).isFalse();
        assertThat(leaks.findIn(dir.resolve("out"))).isEmpty();
    }

    private void write(String rel, String text) throws IOException {
        Path file = dir.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
