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
 *
 * <p>The clock is driven by whoever counts the ticks (the CPU, or a vCPU for a VM's devices): it
 * tells the clock its count ({@link #advanceTo}) and asks when the next event is due in that count
 * ({@link #nextDeadline}). The devices read the clock's own time ({@link #now}) and schedule in
 * it. The two are the same count, until {@link #restore}: a restored clock reads the captured time
 * while its driver goes on counting from wherever it stands (a fresh machine's CPU from zero), and
 * the clock keeps the difference as an offset, as a VMM sets the TSC offset of a guest it moved
 * to another host so that the guest's time runs on without a jump.
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
    // The clock's time minus its driver's count: zero until a restore.
    private long offset;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<String, Device> devices = new LinkedHashMap<>();

    /** The current time, in ticks. */
    public long now() {
        return now;
    }

    /** The driver's count has reached {@code tick}: time moves forward with it (never backward). */
    public void advanceTo(long tick) {
        long time = tick + offset;
        if (time > now) {
            now = time;
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

    /**
     * The tick of the earliest pending event, in the driver's count, or {@link Long#MAX_VALUE} if
     * there is none.
     */
    public long nextDeadline() {
        Event e = events.peek();
        return e == null ? Long.MAX_VALUE : e.tick() - offset;
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

    /** The clock's state as a value: its time, its sequence counter and its pending events. */
    public State state() {
        return new State(now, sequence, pending());
    }

    /**
     * Puts the clock back to {@code state}: its time, its sequence counter (so that events
     * scheduled from now on run after the restored ones due at the same tick, as they would have),
     * and its pending events, which replace those pending now. The devices the events belong to
     * must be attached already, under the names the events give; each device then takes back
     * what it knows of its own events when its state is restored.
     *
     * <p>{@code driverTick} is where the driver's count stands now ({@code cpu.ticks()}): the
     * clock reads {@code state.now()} at it, and from then on the driver's count plus that
     * difference.
     *
     * @throws IllegalArgumentException if an event belongs to no attached device; the clock is
     *                                  then unchanged
     */
    public void restore(State state, long driverTick) {
        for (Event e : state.pending()) {
            if (!devices.containsKey(e.device())) {
                throw new IllegalArgumentException("the clock's state holds an event for "
                        + e.device() + ", but no device of that name is attached: " + e);
            }
        }
        now = state.now();
        sequence = state.sequence();
        offset = state.now() - driverTick;
        events.clear();
        events.addAll(state.pending());
    }

    /**
     * The clock's state: what a snapshot of the machine holds of time.
     *
     * @param now      the time, in ticks
     * @param sequence the sequence number the next event scheduled will get
     * @param pending  the events not yet run, in the order they will run
     */
    public record State(long now, long sequence, List<Event> pending) {
        public State {
            pending = pending.stream().sorted().toList();
            for (Event e : pending) {
                if (e.sequence() >= sequence) {
                    throw new IllegalArgumentException("event " + e + " has a sequence number not"
                            + " below the clock's next, " + sequence);
                }
            }
        }

        /** The pending events of the device named {@code device}, in the order they will run. */
        public List<Event> pendingFor(String device) {
            return pending.stream().filter(e -> e.device().equals(device)).toList();
        }
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
