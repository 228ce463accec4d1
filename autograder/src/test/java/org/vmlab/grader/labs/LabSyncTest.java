package org.vmlab.grader.labs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabSyncTest {

    private static final String SOLUTION = """
            package org.vmlab.labs.lab7;

            import java.util.List;

            public final class Adder {
                public int add(int a, int b) {
                    // BEGIN SOLUTION: return the sum of "a" and b
                    int sum = a + b;
                    return sum;
                    // END SOLUTION
                }

                public List<Integer> twice(int x) {
                    if (x < 0) {
                        throw new IllegalArgumentException("negative");
                    }
                        // BEGIN SOLUTION: a list holding x twice
                    return List.of(x, x);
                        // END SOLUTION
                }
            }
            """;

    private static final String STUB = """
            package org.vmlab.labs.lab7;

            import java.util.List;

            public final class Adder {
                public int add(int a, int b) {
                    throw new UnsupportedOperationException("TODO(lab7): return the sum of \\"a\\" and b");
                }

                public List<Integer> twice(int x) {
                    if (x < 0) {
                        throw new IllegalArgumentException("negative");
                    }
                        throw new UnsupportedOperationException("TODO(lab7): a list holding x twice");
                }
            }
            """;

    @Test
    void replacesBlocksAtTheirIndentationAndCopiesTheRest(@TempDir Path root) throws IOException {
        write(root, "solutions/src/main/java/org/vmlab/labs/lab7/Adder.java", SOLUTION);
        write(root, "solutions/src/main/java/org/vmlab/labs/lab7/Plain.java", "class Plain {}\n");
        write(root, "solutions/src/main/resources/lab7.txt", "data\n");
        write(root, "labs/src/main/java/org/vmlab/labs/lab7/Stale.java", "class Stale {}\n");
        LabSync sync = new LabSync(root);

        assertThat(sync.check()).containsExactly(
                "java/org/vmlab/labs/lab7/Adder.java (missing)",
                "java/org/vmlab/labs/lab7/Plain.java (missing)",
                "resources/lab7.txt (missing)",
                "java/org/vmlab/labs/lab7/Stale.java (not generated)");
        sync.write();

        assertThat(read(root, "labs/src/main/java/org/vmlab/labs/lab7/Adder.java")).isEqualTo(STUB);
        assertThat(read(root, "labs/src/main/java/org/vmlab/labs/lab7/Plain.java")).isEqualTo("class Plain {}\n");
        assertThat(read(root, "labs/src/main/resources/lab7.txt")).isEqualTo("data\n");
        assertThat(root.resolve("labs/src/main/java/org/vmlab/labs/lab7/Stale.java")).doesNotExist();
        assertThat(sync.check()).isEmpty();

        write(root, "labs/src/main/java/org/vmlab/labs/lab7/Adder.java", SOLUTION);
        assertThat(sync.check()).containsExactly("java/org/vmlab/labs/lab7/Adder.java (changed)");
    }

    @Test
    void anUnterminatedBlockIsAnErrorWithItsLine() {
        String source = "class A {\n  void f() {\n    // BEGIN SOLUTION: do it\n    g();\n  }\n}\n";
        assertThatThrownBy(() -> LabSync.stub("lab1/A.java", source))
                .isInstanceOf(LabSync.SyncException.class)
                .hasMessage("lab1/A.java:3: // BEGIN SOLUTION is never closed by // END SOLUTION");
    }

    @Test
    void nestedStrayAndTextlessMarkersAreErrors() {
        assertThatThrownBy(() -> LabSync.stub("A.java", "// BEGIN SOLUTION: a\n// BEGIN SOLUTION: b\n"))
                .hasMessageContaining("A.java:2: // BEGIN SOLUTION inside the block opened at line 1");
        assertThatThrownBy(() -> LabSync.stub("A.java", "x\n// END SOLUTION\n"))
                .hasMessage("A.java:2: // END SOLUTION without // BEGIN SOLUTION");
        assertThatThrownBy(() -> LabSync.stub("A.java", "  // BEGIN SOLUTION\n  // END SOLUTION\n"))
                .hasMessageContaining("A.java:1: // BEGIN SOLUTION needs the TODO text");
    }

    @Test
    void aFileWithoutMarkersHasNoStubAndTheLabIsOptional() {
        assertThat(LabSync.stub("A.java", "class A {}\n")).isEmpty();
        assertThat(LabSync.stub("x/A.java", "  // BEGIN SOLUTION: y\n  z();\n  // END SOLUTION\n"))
                .contains("  throw new UnsupportedOperationException(\"TODO: y\");\n");
    }

    private static void write(Path root, String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private static String read(Path root, String rel) throws IOException {
        return Files.readString(root.resolve(rel), StandardCharsets.UTF_8);
    }
}
