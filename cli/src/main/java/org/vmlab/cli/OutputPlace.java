package org.vmlab.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.vmlab.grader.FileTrees;

/**
 * Checks where a command may write what it exports: never into the repository it exports (or
 * over it), never over something that is already there unless told to ({@code --force}); and
 * where it may write a result file ({@code --json}, {@code --svg}) at all, before a long run.
 */
final class OutputPlace {
    /** The kernel's own file systems: their files are the kernel's interface, not a place for data. */
    private static final Set<String> KERNEL_FILE_SYSTEMS = Set.of("proc", "sysfs", "devpts", "devtmpfs",
            "cgroup", "cgroup2", "debugfs", "securityfs", "tracefs", "configfs", "bpf", "pstore", "efivarfs");

    private OutputPlace() {
    }

    /**
     * Checks that a result file may be written at {@code place} (given with {@code option}, such
     * as {@code --json}), making its missing folders, or throws a {@link UserError} saying why
     * not. A command calls it before it starts measuring, so that a mistyped path costs nothing;
     * a result file may replace an older one (it is the same command's output again).
     */
    static Path checkResultFile(String option, String place) {
        Path file;
        try {
            file = Path.of(place).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new UserError(option + " " + place + ": not a file name (" + e.getReason() + ")");
        }
        if (Files.isDirectory(file)) {
            throw new UserError(option + " " + place + " is a folder, not a file");
        }
        Path folder = file.getParent();
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new UserError(option + " " + place + ": " + existing + " is a file, not a folder");
        }
        String type = fileSystemType(existing);
        if (KERNEL_FILE_SYSTEMS.contains(type)) {
            throw new UserError(option + " " + place + " is on the kernel's " + type
                    + " file system, which holds no files of ours");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UserError(option + " " + place + ": cannot create the folder " + folder + " (" + reason(e) + ")");
        }
        String refusal = Files.exists(file) ? Files.isWritable(file) ? null : "permission denied" : whyNotCreatable(file);
        if (refusal != null) {
            throw new UserError(option + " " + place + ": cannot write there (" + refusal + ")");
        }
        return file;
    }

    /** Null if a file can be made at {@code file} (tried, then taken away again), else why not. */
    private static String whyNotCreatable(Path file) {
        try {
            Files.delete(Files.createFile(file));
            return null;
        } catch (IOException e) {
            return reason(e);
        }
    }

    /** Why {@code e} happened, in a few words ("permission denied", "Read-only file system"). */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getClass().getSimpleName();
    }

    private static String fileSystemType(Path path) {
        try {
            return Files.getFileStore(path).type();
        } catch (IOException e) {
            return "";
        }
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
