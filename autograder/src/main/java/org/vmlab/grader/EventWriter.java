package org.vmlab.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@link Event}s as JSON lines, each flushed at once so that a crash loses none. */
final class EventWriter implements AutoCloseable {

    private final ObjectMapper json = new ObjectMapper();
    private final OutputStream out;

    EventWriter(Path file) throws IOException {
        this.out = Files.newOutputStream(file);
    }

    /** Appends one event. */
    synchronized void write(Event event) {
        try {
            out.write((json.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
