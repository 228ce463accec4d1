package org.vmlab.grader;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Catches what the code under test prints, keeping at most {@code cap} bytes per test and
 * counting the rest, so that a test printing 50 MB costs memory for only the first few KB.
 * Standard output and standard error of the test JVM are both pointed here.
 */
final class OutputCapture extends OutputStream {

    private final int cap;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Consumer<String> sink;
    private long dropped;

    /** @param cap the bytes kept per test */
    OutputCapture(int cap) {
        this(cap, text -> { });
    }

    /**
     * @param cap  the bytes kept per test
     * @param sink also receives the kept bytes as they come, so that the grader can show what a
     *             test printed even if the JVM dies during it
     */
    OutputCapture(int cap, Consumer<String> sink) {
        this.cap = cap;
        this.sink = sink;
    }

    /** A print stream writing here. */
    PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (kept.size() < cap) {
            kept.write(b);
            spill(new byte[] {(byte) b}, 0, 1);
        } else {
            dropped++;
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        int room = Math.max(0, Math.min(length, cap - kept.size()));
        kept.write(bytes, offset, room);
        spill(bytes, offset, room);
        dropped += length - room;
    }

    private void spill(byte[] bytes, int offset, int length) {
        if (length > 0) {
            sink.accept(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }
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
