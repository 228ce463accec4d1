package org.vmlab.asm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads sources from files; relative names are taken relative to a root directory.
 *
 * <p>Only regular files are read, and none larger than the assembler would read in all
 * ({@link Assembly#MAX_SOURCE}): {@code .include "/dev/zero"} or a FIFO is an error, not an endless
 * read, and a name the file system cannot hold (a NUL in it) is a missing file.
 */
final class FileSystemSourceLoader implements SourceLoader {
    private final Path root;

    FileSystemSourceLoader(Path root) {
        this.root = root;
    }

    @Override
    public String load(String name) throws IOException {
        Path path;
        try {
            path = root.resolve(name);
        } catch (InvalidPathException e) {
            throw new NoSuchFileException(name, null, "not a valid file name");
        }
        if (!Files.isRegularFile(path)) {
            if (Files.exists(path)) {
                throw new IOException("not a regular file");
            }
            throw new NoSuchFileException(name);
        }
        if (Files.size(path) > Assembly.MAX_SOURCE) {
            throw new IOException("larger than " + (Assembly.MAX_SOURCE >> 20) + " MiB");
        }
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    @Override
    public String resolve(String includingFile, String includeName) {
        try {
            Path parent = Path.of(includingFile).getParent();
            Path resolved = parent == null ? Path.of(includeName) : parent.resolve(includeName);
            return resolved.normalize().toString().replace('\\', '/');
        } catch (InvalidPathException e) {
            return SourcePaths.resolve(includingFile, includeName);   // load() will refuse it
        }
    }
}
