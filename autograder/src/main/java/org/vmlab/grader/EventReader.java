package org.vmlab.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows the events file while the test JVM writes it: each {@link #poll()} returns the events
 * on the lines completed since the last call. A line that does not parse is ignored.
 */
final class EventReader {

    private final ObjectMapper json = new ObjectMapper();
    private final Path file;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long position;

    EventReader(Path file) {
        this.file = file;
    }

    /** The events completed since the last call, in order. */
    List<Event> poll() {
        List<Event> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            channel.position(position);
            int n;
            while ((n = channel.read(buffer)) > 0) {
                position += n;
                for (int i = 0; i < buffer.position(); i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        parse(partial.toString(StandardCharsets.UTF_8), events);
                        partial.reset();
                    } else {
                        partial.write(b);
                    }
                }
                buffer.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    private void parse(String line, List<Event> events) {
        try {
            events.add(json.readValue(line, Event.class));
        } catch (IOException e) {
            // not one of ours: skip it
        }
    }
}
