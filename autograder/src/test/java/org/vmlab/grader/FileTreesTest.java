package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting a tree: all of it, and nothing a link inside it points to. */
class FileTreesTest {

    @TempDir
    Path dir;
    private Path tree;
    private Path outside;

    /** tree/{a.txt, sub/b.txt, sub/deeper/c.txt, link-to-outside -> outside/, file-link -> outside/keep.txt}. */
    @BeforeEach
    void aTreeWithLinksThatPointOutsideIt() throws IOException {
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "precious");
        tree = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(tree.resolve("a.txt"), "a");
        Files.createDirectories(tree.resolve("sub/deeper"));
        Files.writeString(tree.resolve("sub/b.txt"), "b");
        Files.writeString(tree.resolve("sub/deeper/c.txt"), "c");
        Files.createSymbolicLink(tree.resolve("link-to-outside"), outside);
        Files.createSymbolicLink(tree.resolve("sub/file-link"), outside.resolve("keep.txt"));
    }

    @Test
    void deletesTheWholeTreeButNotWhatItsLinksPointTo() throws IOException {
        FileTrees.deleteRecursively(tree);

        assertThat(tree).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("precious");
    }

    @Test
    void aLinkGivenAsTheTreeIsDeletedAsALink() throws IOException {
        FileTrees.deleteRecursively(tree.resolve("link-to-outside"));

        assertThat(Files.exists(tree.resolve("link-to-outside"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(outside.resolve("keep.txt")).hasContent("precious");
    }

    @Test
    void deleteContentsKeepsTheFolderEmpty() throws IOException {
        FileTrees.deleteContents(tree);

        assertThat(tree).isEmptyDirectory();
        assertThat(outside.resolve("keep.txt")).hasContent("precious");
    }

    @Test
    void aSingleFileOrAMissingPathIsFine() throws IOException {
        FileTrees.deleteRecursively(tree.resolve("a.txt"));
        FileTrees.deleteRecursively(dir.resolve("never-there"));

        assertThat(tree.resolve("a.txt")).doesNotExist();
        assertThat(tree.resolve("sub/b.txt")).exists();
    }

    @Test
    void theQuietDeleteNeverThrows() {
        assertThatCode(() -> {
            FileTrees.deleteQuietly(tree);
            FileTrees.deleteQuietly(dir.resolve("never-there"));
        }).doesNotThrowAnyException();
        assertThat(tree).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("precious");
    }
}
