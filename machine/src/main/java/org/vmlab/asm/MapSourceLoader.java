package org.vmlab.asm;

import java.nio.file.NoSuchFileException;
import java.util.Map;

/** Sources held in a map from name to text. */
final class MapSourceLoader implements SourceLoader {
    private final Map<String, String> files;

    MapSourceLoader(Map<String, String> files) {
        this.files = Map.copyOf(files);
    }

    @Override
    public String load(String name) throws NoSuchFileException {
        String text = files.get(name);
        if (text == null) {
            throw new NoSuchFileException(name);
        }
        return text;
    }
}
