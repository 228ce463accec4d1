package org.vmlab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The layout of Gradescope's autograder zip: its two scripts at the top (Gradescope unpacks the
 * zip into /autograder/source and runs setup.sh there) and the vmlab tree in {@value #TREE}/.
 *
 * <p>Every entry carries a Unix mode, as {@code zip} on Linux writes it, so that {@code unzip}
 * restores it: {@value #EXECUTABLE} for the scripts and for each file that is executable in the
 * tree ({@code mvnw}, {@code vmlab}, {@code .ci/} scripts), {@value #PLAIN} for the rest, and
 * {@value #EXECUTABLE} for folders. Without a mode, an unpacked {@code ./mvnw} would not run. The
 * JDK's zip file system ({@code jdk.zipfs}) stores POSIX permissions when it is opened with
 * {@code enablePosixFileAttributes}.
 */
final class GradescopePackage {
    /** The folder of the zip that holds the vmlab tree. */
    static final String TREE = "vmlab";
    /** The scripts, from this package's resources. */
    static final List<String> SCRIPTS = List.of("setup.sh", "run_autograder");
    /** The file beside the scripts that names the labs to grade, one a line; none means every lab. */
    static final String LABS_FILE = "labs.txt";
    /** The mode of a script, an executable file of the tree, and a folder. */
    static final String EXECUTABLE = "rwxr-xr-x";
    /** The mode of every other file. */
    static final String PLAIN = "rw-r--r--";

    private GradescopePackage() {
    }

    /**
     * Writes the zip (replacing {@code zip} if it exists) of the scripts, the list of {@code labs}
     * to grade (empty: every lab) and {@code tree}; returns its number of files.
     */
    static int write(Path tree, List<String> labs, Path zip) throws IOException {
        // The zip file system adds to a zip that exists; a package is always written whole.
        Files.deleteIfExists(zip);
        int files = 0;
        try (FileSystem out = FileSystems.newFileSystem(zip,
                Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
            Path top = out.getPath("/");
            String labList = labs.stream().map(l -> l + "\n").collect(Collectors.joining());
            Files.write(top.resolve(LABS_FILE), labList.getBytes(StandardCharsets.US_ASCII));
            setMode(top.resolve(LABS_FILE), PLAIN);
            files++;
            for (String script : SCRIPTS) {
                try (InputStream in = GradescopePackage.class.getResourceAsStream("gradescope/" + script)) {
                    if (in == null) {
                        throw new IllegalStateException("gradescope/" + script + " is not in the vmlab jar");
                    }
                    Files.copy(in, top.resolve(script));
                }
                setMode(top.resolve(script), EXECUTABLE);
                files++;
            }
            try (Stream<Path> walk = Files.walk(tree)) {
                for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                    Path entry = top.resolve(TREE + "/" + tree.relativize(file).toString().replace('\\', '/'));
                    createFolders(entry.getParent());
                    Files.copy(file, entry);
                    setMode(entry, executable(file) ? EXECUTABLE : PLAIN);
                    files++;
                }
            }
        }
        return files;
    }

    /** Creates {@code folder} in the zip with its parents, each with the folders' mode. */
    private static void createFolders(Path folder) throws IOException {
        if (folder == null || Files.isDirectory(folder)) {
            return;
        }
        createFolders(folder.getParent());
        Files.createDirectory(folder);
        setMode(folder, EXECUTABLE);
    }

    private static void setMode(Path entry, String mode) throws IOException {
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString(mode));
    }

    /**
     * True if the tree means {@code file} to be run: its owner may execute it. Only that bit is
     * kept; the rest of the mode is the same for every file, whatever the instructor's umask.
     */
    private static boolean executable(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.contains(PosixFilePermission.OWNER_EXECUTE);
        }
        return Files.isExecutable(file);
    }
}
