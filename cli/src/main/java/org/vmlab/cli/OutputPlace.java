package org.vmlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.vmlab.grader.FileTrees;

/**
 * Checks where a command may write what it exports: never into the repository it exports (or
 * over it), never over something that is already there unless told to ({@code --force}).
 */
final class OutputPlace {
    private OutputPlace() {
    }

    /** Makes {@code out} an empty folder, or throws a {@link UserError} saying why it cannot. */
    static void prepareFolder(Path out, Path repository, boolean force) throws IOException {
        Path target = outsideOf(out, repository);
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new UserError(out + " is a file, not a folder");
        }
        if (Files.isDirectory(target) && !isEmpty(target)) {
            if (!force) {
                throw new UserError(out + " is not empty (use --force to replace what it holds)");
            }
            FileTrees.deleteContents(target);
        }
        Files.createDirectories(target);
    }

    /** Checks that {@code out} may be written as a file, or throws a {@link UserError}. */
    static void prepareFile(Path out, Path repository, boolean force) throws IOException {
        Path target = outsideOf(out, repository);
        if (Files.isDirectory(target)) {
            throw new UserError(out + " is a folder, not a file");
        }
        if (Files.exists(target) && !force) {
            throw new UserError(out + " exists (use --force to replace it)");
        }
        Path parent = target.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static Path outsideOf(Path out, Path repository) {
        Path target = out.toAbsolutePath().normalize();
        Path repo = repository.toAbsolutePath().normalize();
        if (target.startsWith(repo) || repo.startsWith(target)) {
            throw new UserError(out + " is inside the repository (or holds it); "
                    + "export to a place outside it, such as ../vmlab-starter");
        }
        return target;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
