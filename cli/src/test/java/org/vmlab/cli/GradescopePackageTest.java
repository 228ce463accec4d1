package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zip keeps the Unix modes that make the package's scripts run once unzipped. */
class GradescopePackageTest {

    @TempDir
    Path dir;

    @Test
    void scriptsAndExecutableFilesAre0755AndTheRest0644() throws IOException {
        Path tree = dir.resolve("tree");
        write(tree.resolve("mvnw"), "rwxr-x---");
        write(tree.resolve("vmlab"), "rwx------");
        write(tree.resolve(".ci/run"), "rwxr-xr-x");
        write(tree.resolve("pom.xml"), "rw-rw-rw-");
        write(tree.resolve("labs/docs/lab0.md"), "rw-------");
        Path zip = dir.resolve("autograder.zip");

        int files = GradescopePackage.write(tree, List.of("lab0"), zip);

        assertThat(files).isEqualTo(8);
        assertThat(modes(zip)).containsAllEntriesOf(Map.of(
                "setup.sh", "rwxr-xr-x", "run_autograder", "rwxr-xr-x",
                "vmlab/mvnw", "rwxr-xr-x", "vmlab/vmlab", "rwxr-xr-x", "vmlab/.ci/run", "rwxr-xr-x",
                "labs.txt", "rw-r--r--", "vmlab/pom.xml", "rw-r--r--", "vmlab/labs/docs/lab0.md", "rw-r--r--",
                "vmlab/labs/docs", "rwxr-xr-x"));
    }

    @Test
    void aZipThatExistsIsReplacedWhole() throws IOException {
        Path tree = dir.resolve("tree");
        write(tree.resolve("pom.xml"), "rw-r--r--");
        Path zip = dir.resolve("autograder.zip");
        write(tree.resolve("stale.txt"), "rw-r--r--");
        GradescopePackage.write(tree, List.of(), zip);
        Files.delete(tree.resolve("stale.txt"));

        GradescopePackage.write(tree, List.of(), zip);

        assertThat(modes(zip)).containsKey("vmlab/pom.xml").doesNotContainKey("vmlab/stale.txt");
    }

    private static void write(Path file, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    /** Each entry of the zip (folders without their trailing '/') and its mode, read back as unzip would. */
    private static Map<String, String> modes(Path zip) throws IOException {
        Map<String, String> modes = new TreeMap<>();
        try (FileSystem in = FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"));
             var walk = Files.walk(in.getPath("/"))) {
            for (Path entry : walk.filter(p -> p.getNameCount() > 0).toList()) {
                modes.put(entry.toString().substring(1),
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
            }
        }
        return modes;
    }
}
