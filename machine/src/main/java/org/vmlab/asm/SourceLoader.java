package org.vmlab.asm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the assembler gets source text: the file system for the command line, the classpath for
 * guest sources shipped inside a jar, a map for tests.
 *
 * <p>A name is a {@code /}-separated path. {@code .include "x.inc"} in file {@code a/b.s} names
 * {@code a/x.inc}: an include is relative to the file that includes it, as in C.
 */
public interface SourceLoader {

    /**
     * The text of the source named {@code name}.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such source
     * @throws IOException                        if it exists but cannot be read
     */
    String load(String name) throws IOException;

    /**
     * The name of {@code includeName} as included from the file named {@code includingFile}:
     * relative to the including file's directory, unless it is absolute.
     */
    default String resolve(String includingFile, String includeName) {
        return SourcePaths.resolve(includingFile, includeName);
    }

    /** Sources on the file system; names are paths, relative ones to the working directory. */
    static SourceLoader fileSystem() {
        return new FileSystemSourceLoader(Path.of(""));
    }

    /** Sources on the file system below {@code root}. */
    static SourceLoader fileSystem(Path root) {
        return new FileSystemSourceLoader(root);
    }

    /** Sources that are resources of {@code loader}; names are resource paths. */
    static SourceLoader classpath(ClassLoader loader) {
        return new ClasspathSourceLoader(loader);
    }

    /** Sources held in memory, by name (tests, generated code, one-file convenience). */
    static SourceLoader of(Map<String, String> files) {
        return new MapSourceLoader(files);
    }
}
