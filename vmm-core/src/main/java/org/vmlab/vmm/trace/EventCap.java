package org.vmlab.vmm.trace;

import java.util.Optional;

/**
 * The bound on a trace's size: the first {@code limit} timeline events are written, later ones
 * only counted. A long run then still yields a file a browser can open, and the file says how
 * much it left out and from when.
 */
final class EventCap {
    private final long limit;
    private long written;
    private long dropped;
    private TraceEvent firstDropped;

    EventCap(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("an event limit cannot be negative, was " + limit);
        }
        this.limit = limit;
    }

    /** Whether {@code event} may be written; if not, it is counted as dropped. */
    boolean admit(TraceEvent event) {
        if (written < limit) {
            written++;
            return true;
        }
        if (dropped++ == 0) {
            firstDropped = event;
        }
        return false;
    }

    long limit() {
        return limit;
    }

    long written() {
        return written;
    }

    long dropped() {
        return dropped;
    }

    /** The first event that was not written: where the trace stops being complete. */
    Optional<TraceEvent> firstDropped() {
        return Optional.ofNullable(firstDropped);
    }
}
