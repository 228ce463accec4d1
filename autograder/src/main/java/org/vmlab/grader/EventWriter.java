package org.vmlab.grader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Sends {@link Event}s from the test JVM, signed ({@link EventChannel}), one line each, flushed
 * at once so that a crash loses none. If the grader has gone (the pipe is broken), the test JVM
 * has no one to report to and ends.
 */
final class EventWriter {

    private final ObjectMapper json = new ObjectMapper();
    private final OutputStream out;
    private final EventChannel channel;
    private long sequence;

    /**
     * @param out     the channel's stream: the test JVM's real standard output
     * @param channel the run's signing key
     */
    EventWriter(OutputStream out, EventChannel channel) {
        this.out = out;
        this.channel = channel;
    }

    /** Sends one event. */
    synchronized void write(Event event) {
        String text;
        try {
            text = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.getClass().getSimpleName(), e);
        }
        try {
            out.write((channel.sign(sequence++, text) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            Runtime.getRuntime().halt(TestJvm.ORPHANED); // the grader is gone
        }
    }
}
