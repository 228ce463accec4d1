package org.vmlab.grader;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deleting a tree of files: a folder with everything in it.
 *
 * <p>Symbolic links are never followed: a link inside the tree is deleted as a link, and what it
 * points to (perhaps outside the tree, perhaps the user's home) is left alone. That is the one
 * rule a recursive delete must not get wrong, so every command deletes through this class.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Deletes {@code path}: a file or link as it is, a folder with everything in it. A path that
     * does not exist is no error.
     *
     * @throws IOException at the first file that cannot be deleted (what came before is gone)
     */
    public static void deleteRecursively(Path path) throws IOException {
        delete(path, false, false);
    }

    /**
     * Deletes everything the folder {@code dir} holds and keeps the folder itself, empty.
     *
     * @throws IOException at the first file that cannot be deleted
     */
    public static void deleteContents(Path dir) throws IOException {
        delete(dir, true, false);
    }

    /**
     * Deletes {@code path} as {@link #deleteRecursively} does, as far as it can, and never
     * throws: for temporary folders, whose leftovers the system cleans up in the end.
     */
    public static void deleteQuietly(Path path) {
        try {
            delete(path, false, true);
        } catch (IOException e) {
            // unreachable: a quiet delete swallows each failure where it happens
        }
    }

    private static void delete(Path root, boolean keepRoot, boolean quiet) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // walkFileTree does not follow links unless asked to: a link is visited as a file.
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                remove(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (!quiet) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !quiet) {
                    throw e;
                }
                if (!(keepRoot && dir.equals(root))) {
                    remove(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            private void remove(Path p) throws IOException {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    if (!quiet) {
                        throw e;
                    }
                }
            }
        });
    }
}
