package org.vmlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the vmlab repository is: the launcher passes it as {@code vmlab.home}. */
final class Home {
    private Home() {
    }

    static Path root() {
        String home = System.getProperty("vmlab.home");
        Path root = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        // From a module directory (as in the module's own tests), the repository is one level up.
        if (!Files.isDirectory(root.resolve("labs")) && Files.isDirectory(root.resolve("../labs"))) {
            root = root.resolve("..").normalize();
        }
        return root;
    }
}
