package org.vmlab.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads the test JVM's channel in the grader, on a thread of its own so that the pipe never
 * fills: verified events ({@link EventChannel}) go to a queue, in order; every other line is the
 * JVM's own talk (such as {@code Terminating due to java.lang.OutOfMemoryError}), of which the
 * last few kilobytes are kept. Lines are read with a bound: a longer one is cut and not an event.
 */
final class EventReader implements Runnable {

    /** What is kept of the lines that are not events. */
    private static final int MESSAGES_KEPT = 8192;

    private final ObjectMapper json = new ObjectMapper();
    private final InputStream in;
    private final EventChannel channel;
    private final int maxLine;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final StringBuilder messages = new StringBuilder();
    private volatile boolean ended;
    private long expected;

    /**
     * @param in      the test JVM's standard output
     * @param channel the run's key
     * @param maxLine the longest line, in bytes, that can be an event
     */
    EventReader(InputStream in, EventChannel channel, int maxLine) {
        this.in = in;
        this.channel = channel;
        this.maxLine = maxLine;
    }

    @Override
    public void run() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean overlong = false;
        byte[] buffer = new byte[16 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        accept(line.toString(StandardCharsets.UTF_8), overlong);
                        line.reset();
                        overlong = false;
                    } else if (line.size() < maxLine) {
                        line.write(b);
                    } else {
                        overlong = true;
                    }
                }
            }
            if (line.size() > 0) {
                accept(line.toString(StandardCharsets.UTF_8), overlong);
            }
        } catch (IOException e) {
            // the pipe closed: the JVM is gone
        } finally {
            ended = true;
        }
    }

    private void accept(String line, boolean overlong) {
        String verified = overlong ? null : channel.verify(line, expected);
        if (verified != null) {
            try {
                events.add(json.readValue(verified, Event.class));
                expected++;
                return;
            } catch (IOException e) {
                // signed but not understood: a version mismatch, kept as talk
            }
        }
        synchronized (messages) {
            messages.append(overlong ? line + "[...]" : line).append('\n');
            if (messages.length() > MESSAGES_KEPT) {
                messages.delete(0, messages.length() - MESSAGES_KEPT);
            }
        }
    }

    /** The next event, waiting up to {@code millis}; null if none came. */
    Event next(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The events that have come and not been taken. */
    List<Event> drain() {
        List<Event> rest = new ArrayList<>();
        events.drainTo(rest);
        return rest;
    }

    /** Whether the channel has closed. */
    boolean ended() {
        return ended;
    }

    /** The last lines that were not events: the JVM's own messages. */
    String messages() {
        synchronized (messages) {
            return messages.toString();
        }
    }
}
