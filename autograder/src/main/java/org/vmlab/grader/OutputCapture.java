package org.vmlab.grader;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Catches what the code under test prints, keeping at most {@code cap} bytes per test and
 * counting the rest, so that a test printing 50 MB costs memory for only the first few KB.
 * Standard output and standard error of the test JVM are both pointed here.
 */
final class OutputCapture extends OutputStream {

    private final int cap;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long dropped;

    /** @param cap the bytes kept per test */
    OutputCapture(int cap) {
        this.cap = cap;
    }

    /** A print stream writing here. */
    PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (kept.size() < cap) {
            kept.write(b);
        } else {
            dropped++;
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        int room = Math.max(0, Math.min(length, cap - kept.size()));
        kept.write(bytes, offset, room);
        dropped += length - room;
    }

    /**
     * The output since the last call, ending with {@code [output truncated: N more bytes]} when
     * some was dropped; then starts afresh.
     */
    synchronized String take() {
        String text = kept.toString(StandardCharsets.UTF_8);
        if (dropped > 0) {
            text += (text.endsWith("\n") ? "" : "\n") + truncationMarker(dropped);
        }
        kept.reset();
        dropped = 0;
        return text;
    }

    /** The marker that closes a capped output. */
    static String truncationMarker(long dropped) {
        return "[output truncated: " + dropped + " more bytes]";
    }
}
