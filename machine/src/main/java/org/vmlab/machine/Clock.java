package org.vmlab.machine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** A device that schedules events on the clock, and acts on them when they come due. */
    @FunctionalInterface
    public interface Device {
        /** {@code event}, which this device scheduled, is due: act on it. */
        void fire(Event event);
    }

    private long now;
    private long sequence;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<String, Device> devices = new LinkedHashMap<>();

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

    /**
     * Attaches {@code device} to the clock under {@code name}, or, if another device has it, under
     * {@code name#2}, {@code name#3}...: the device schedules its events under the name returned.
     */
    public String attach(String name, Device device) {
        String unique = name;
        for (int n = 2; devices.containsKey(unique); n++) {
            unique = name + "#" + n;
        }
        devices.put(unique, device);
        return unique;
    }

    /**
     * Schedules {@code what} for the device named {@code device}, due at {@code tick}; a tick in
     * the past means "at once".
     */
    public Event schedule(long tick, String device, DeviceEvent what) {
        if (!devices.containsKey(device)) {
            throw new IllegalArgumentException("no device named " + device + " is attached to the clock");
        }
        Event e = new Event(Math.max(tick, now), sequence++, device, what);
        events.add(e);
        return e;
    }

    /** Removes a scheduled event that has not run yet. */
    public void cancel(Event event) {
        events.remove(event);
    }

    /** The tick of the earliest pending event, or {@link Long#MAX_VALUE} if there is none. */
    public long nextDeadline() {
        Event e = events.peek();
        return e == null ? Long.MAX_VALUE : e.tick();
    }

    /** Runs every event due at or before now, in order. */
    public void runDue() {
        while (!events.isEmpty() && events.peek().tick() <= now) {
            Event e = events.poll();
            devices.get(e.device()).fire(e);
        }
    }

    /** The events not yet run, in the order they will run: plain values. */
    public List<Event> pending() {
        List<Event> all = new ArrayList<>(events);
        Collections.sort(all);
        return all;
    }

    /**
     * A scheduled event, as a value: when it is due, its place among events due at the same
     * tick (the order they were scheduled in), the device it belongs to, and what.
     */
    public record Event(long tick, long sequence, String device, DeviceEvent what) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(tick, o.tick);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
