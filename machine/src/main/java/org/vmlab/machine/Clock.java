package org.vmlab.machine;

import java.util.PriorityQueue;

/**
 * The machine's notion of time, and the events devices schedule on it.
 *
 * <p>Time is counted in ticks: every retired instruction is one tick, and a CPU that waits in
 * {@code hlt} skips ahead to the next event. Because time is a count of instructions, never the
 * host's clock, every run of the same program is the same run: interrupts arrive at the same
 * instruction each time. Events due at the same tick run in the order they were scheduled.
 */
public final class Clock {
    private long now;
    private long sequence;
    private final PriorityQueue<Event> events = new PriorityQueue<>();

    /** The current time, in ticks. */
    public long now() {
        return now;
    }

    /** Moves time forward to {@code tick} (never backward). */
    public void advanceTo(long tick) {
        if (tick > now) {
            now = tick;
        }
    }

    /** Runs {@code action} when time reaches {@code tick}; a tick in the past means "at once". */
    public Event schedule(long tick, Runnable action) {
        Event e = new Event(Math.max(tick, now), sequence++, action);
        events.add(e);
        return e;
    }

    /** Runs {@code action} {@code delay} ticks from now. */
    public Event scheduleIn(long delay, Runnable action) {
        return schedule(now + delay, action);
    }

    /** Removes a scheduled event that has not run yet. */
    public void cancel(Event event) {
        events.remove(event);
    }

    /** The tick of the earliest pending event, or {@link Long#MAX_VALUE} if there is none. */
    public long nextDeadline() {
        Event e = events.peek();
        return e == null ? Long.MAX_VALUE : e.tick;
    }

    /** Runs every event due at or before now, in order. */
    public void runDue() {
        while (!events.isEmpty() && events.peek().tick <= now) {
            events.poll().action.run();
        }
    }

    /** A scheduled action. */
    public static final class Event implements Comparable<Event> {
        private final long tick;
        private final long seq;
        private final Runnable action;

        private Event(long tick, long seq, Runnable action) {
            this.tick = tick;
            this.seq = seq;
            this.action = action;
        }

        public long tick() {
            return tick;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(tick, o.tick);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
