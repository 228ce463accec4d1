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
 * where it may write a result file ({@code --json}, {@code --svg}, {@code --trace}, {@code -o}) or
 * its reports ({@code grade --out}) at all, before a long run. Never the root of the file system,
 * the kernel's file systems ({@code /proc}, {@code /sys}, {@code /dev}), a path under a file, or a
 * folder that cannot be written in (tried, not guessed from permission bits, which root ignores).
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
        Path file = absolute(option, place);
        if (Files.isDirectory(file)) {
            throw new UserError(option + " " + place + " is a folder, not a file");
        }
        ordinary(option, place);
        Path folder = file.getParent();
        makeFolder(option, place, folder);
        String refusal = Files.exists(file) ? Files.isWritable(file) ? null : "permission denied" : whyNotCreatable(file);
        if (refusal != null) {
            throw new UserError(option + " " + place + ": cannot write there (" + refusal + ")");
        }
        return file;
    }

    /**
     * Checks that reports may be written into the folder {@code place} (given with {@code
     * option}), making it if it is missing, or throws a {@link UserError} saying why not: a file,
     * the root of the file system, the kernel's file systems, a folder that cannot be made or
     * written in. Files already in it may be replaced.
     */
    static Path checkFolder(String option, String place) {
        Path folder = ordinary(option, place);
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new UserError(option + " " + place + " is a file, not a folder");
        }
        makeFolder(option, place, folder);
        String refusal = whyNotWritableFolder(folder);
        if (refusal != null) {
            throw new UserError(option + " " + place + ": cannot write in this folder (" + refusal + ")");
        }
        return folder;
    }

    /**
     * The absolute form of {@code place}, if it is an ordinary place for a command's output: not
     * the root of the file system, not on the kernel's own file systems, and not under a file;
     * else a {@link UserError} saying which.
     */
    static Path ordinary(String option, String place) {
        Path path = absolute(option, place);
        if (path.getParent() == null) {
            throw new UserError(option + " " + place + " is the root of the file system, not a place for vmlab's output");
        }
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new UserError(option + " " + place + ": no folder of it exists");
        }
        if (!existing.equals(path) && !Files.isDirectory(existing)) {
            throw new UserError(option + " " + place + ": " + existing + " is a file, not a folder");
        }
        String type = fileSystemType(existing);
        if (KERNEL_FILE_SYSTEMS.contains(type)) {
            throw new UserError(option + " " + place + " is on the kernel's " + type
                    + " file system, which holds no files of ours");
        }
        return path;
    }

    private static Path absolute(String option, String place) {
        try {
            return Path.of(place).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new UserError(option + " " + place + ": not a file name (" + e.getReason() + ")");
        }
    }

    private static void makeFolder(String option, String place, Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UserError(option + " " + place + ": cannot create the folder " + folder + " (" + reason(e) + ")");
        }
    }

    /** Null if a file can be made in {@code folder} (tried, then taken away again), else why not. */
    private static String whyNotWritableFolder(Path folder) {
        try {
            Files.delete(Files.createTempFile(folder, ".vmlab-", ".probe"));
            return null;
        } catch (IOException e) {
            return reason(e);
        }
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
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "something is in the way";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The name of the kernel's file system that holds {@code path} ("proc", "sysfs"), or null. */
    static String kernelFileSystem(Path path) {
        String type = fileSystemType(path);
        return KERNEL_FILE_SYSTEMS.contains(type) ? type : null;
    }

    private static String fileSystemType(Path path) {
        try {
            return Files.getFileStore(path).type();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Makes {@code out} (given with {@code option}) an empty folder, or throws a {@link UserError}
     * saying why it cannot, before anything is written.
     */
    static void prepareFolder(String option, Path out, Path repository, boolean force) {
        ordinary(option, out.toString());
        Path target = outsideOf(out, repository);
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new UserError(out + " is a file, not a folder");
        }
        try {
            if (Files.isDirectory(target) && !isEmpty(target)) {
                if (!force) {
                    throw new UserError(out + " is not empty (use --force to replace what it holds)");
                }
                String refusal = whyNotWritableFolder(target);
                if (refusal != null) {
                    throw new UserError(option + " " + out + ": cannot write in this folder (" + refusal + ")");
                }
                FileTrees.deleteContents(target);
            }
        } catch (IOException e) {
            throw new UserError(option + " " + out + ": cannot empty this folder (" + reason(e) + ")");
        }
        checkFolder(option, out.toString());
    }

    /**
     * Checks that {@code out} (given with {@code option}) may be written as a file, making its
     * missing folders, or throws a {@link UserError}, before anything is written.
     */
    static void prepareFile(String option, Path out, Path repository, boolean force) {
        ordinary(option, out.toString());
        Path target = outsideOf(out, repository);
        if (Files.isDirectory(target)) {
            throw new UserError(out + " is a folder, not a file");
        }
        if (Files.exists(target) && !force) {
            throw new UserError(out + " exists (use --force to replace it)");
        }
        checkResultFile(option, out.toString());
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
