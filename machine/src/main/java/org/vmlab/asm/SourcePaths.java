package org.vmlab.asm;

import java.util.ArrayDeque;
import java.util.Deque;

/** Resolves {@code /}-separated source names the way a file system resolves paths. */
final class SourcePaths {
    private SourcePaths() {
    }

    /** {@code includeName} relative to the directory of {@code includingFile}, normalized. */
    static String resolve(String includingFile, String includeName) {
        if (includeName.startsWith("/") || includingFile == null) {
            return normalize(includeName);
        }
        int slash = includingFile.lastIndexOf('/');
        String dir = slash < 0 ? "" : includingFile.substring(0, slash + 1);
        return normalize(dir + includeName);
    }

    /** Removes {@code .} and {@code name/..} steps, so that one file always has one name. */
    static String normalize(String path) {
        boolean absolute = path.startsWith("/");
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.peekLast().equals("..")) {
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return (absolute ? "/" : "") + String.join("/", parts);
    }
}
