package org.vmlab.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The recording file: a {@link Recording} as JSON, gzip-compressed (docs/replay.md, "The recording
 * file"). Reading checks what the file is, its version and every field, and says in one line what
 * is wrong with a file that is not a recording, is truncated or corrupt, or is of another version.
 */
final class RecordingFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private RecordingFile() {
    }

    /** Writes {@code recording} to {@code file}. */
    static void write(Recording recording, Path file) {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            JSON.writeValue(out, recording);
        } catch (IOException e) {
            throw new UserError("cannot write the recording " + file + ": " + OutputPlace.reason(e));
        }
    }

    /**
     * Reads the recording in {@code name}.
     *
     * @throws UserError if it is no readable file, not a recording, damaged, or of another version
     */
    static Recording read(String name) {
        Path file = Programs.existingFile(name);
        JsonNode tree;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 != 0x1f || b1 != 0x8b) {
                throw new UserError(name + ": not a vmlab recording (" + (b0 < 0 ? "the file is empty"
                        : "not gzip-compressed") + "; vmlab run ... --record FILE makes one)");
            }
            tree = JSON.readTree(new GZIPInputStream(raw));
        } catch (ZipException | java.io.EOFException e) {
            throw new UserError(name + ": the recording is truncated or corrupt (" + e.getMessage() + ")");
        } catch (JacksonException e) {
            throw new UserError(name + ": the recording is corrupt: not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UserError(name + ": cannot read it (" + OutputPlace.reason(e) + ")");
        }
        if (tree == null || !tree.isObject() || !Recording.FORMAT.equals(tree.path("format").asText(null))) {
            throw new UserError(name + ": not a vmlab recording (its JSON has no \"format\": \""
                    + Recording.FORMAT + "\")");
        }
        JsonNode version = tree.path("version");
        if (!version.isInt() || version.asInt() != Recording.VERSION) {
            throw new UserError(name + ": a recording of format version " + (version.isMissingNode() ? "(none)" : version)
                    + "; this vmlab reads version " + Recording.VERSION);
        }
        try {
            return JSON.treeToValue(tree, Recording.class);
        } catch (JacksonException e) {
            throw new UserError(name + ": the recording is corrupt: " + oneLine(e.getOriginalMessage()));
        } catch (IllegalArgumentException e) {
            throw new UserError(name + ": the recording is corrupt: " + oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
