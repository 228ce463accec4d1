package org.vmlab.asm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;

/** Loads sources that ship as resources, for instance the guest OS inside the vmlab jar. */
final class ClasspathSourceLoader implements SourceLoader {
    private final ClassLoader loader;

    ClasspathSourceLoader(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public String load(String name) throws IOException {
        // resource names never start with a slash
        String resource = name.startsWith("/") ? name.substring(1) : name;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new NoSuchFileException(name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
