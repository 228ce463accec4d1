package org.vmlab.asm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads sources from files; relative names are taken relative to a root directory. */
final class FileSystemSourceLoader implements SourceLoader {
    private final Path root;

    FileSystemSourceLoader(Path root) {
        this.root = root;
    }

    @Override
    public String load(String name) throws IOException {
        return Files.readString(root.resolve(name), StandardCharsets.UTF_8);
    }

    @Override
    public String resolve(String includingFile, String includeName) {
        Path parent = Path.of(includingFile).getParent();
        Path resolved = parent == null ? Path.of(includeName) : parent.resolve(includeName);
        return resolved.normalize().toString().replace('\\', '/');
    }
}
