package org.vmlab.machine.device;

import java.util.List;
import org.vmlab.machine.Clock;
import org.vmlab.machine.DeviceEvent;

/**
 * The periodic timer (after the PC's 8253 in rate-generator mode): it raises line 0 every
 * {@code period} ticks. It is what lets an operating system take the CPU back from a process that
 * never yields, and what a VMM must keep delivering to a guest on time.
 *
 * <p>Ports (offsets from 0x40): +0 read/write the period in ticks (writing restarts the count from
 * now; 0 stops the timer); +1 read the low 32 bits of the current tick count.
 */
public final class Timer implements PortDevice {
    public static final int BASE = 0x40;
    public static final int PORTS = 2;
    public static final int LINE = 0;

    private static final int PERIOD_PORT = 0;
    private static final int COUNT_PORT = 1;

    /** The timer's one event: its period ran out. */
    public record Expiry() implements DeviceEvent {
    }

    private final Clock clock;
    private final InterruptController pic;
    private long period;
    private final String clockName;
    private Clock.Event nextExpiry;

    public Timer(Clock clock, InterruptController pic) {
        this.clock = clock;
        this.pic = pic;
        this.clockName = clock.attach("timer", event -> expire(event.tick()));
    }

    @Override
    public String name() {
        return "timer";
    }

    /** The period in ticks, or 0 if the timer is stopped. */
    public long period() {
        return period;
    }

    @Override
    public int in(int offset) {
        return switch (offset) {
            case PERIOD_PORT -> (int) period;
            case COUNT_PORT -> (int) clock.now();
            default -> IoBus.FLOATING;
        };
    }

    @Override
    public void out(int offset, int value) {
        if (offset == PERIOD_PORT) {
            program(Integer.toUnsignedLong(value));
        }
    }

    /** Starts the timer with {@code ticks} as its period, counted from now; 0 stops it. */
    public void program(long ticks) {
        if (nextExpiry != null) {
            clock.cancel(nextExpiry);
            nextExpiry = null;
        }
        period = ticks;
        if (period != 0) {
            expireAt(clock.now() + period);
        }
    }

    /** The timer's state as a value; its next expiry is the clock's (see {@link State}). */
    public State state() {
        return new State(period);
    }

    /**
     * Puts the timer back to {@code state}, on a clock already restored: the expiry pending there,
     * if the timer runs, is the one it now waits for (and cancels if reprogrammed).
     *
     * @throws IllegalArgumentException if the clock's pending expiries do not fit the state
     */
    public void restore(State state) {
        List<Clock.Event> expiries = check(state, clock.state());
        period = state.period();
        nextExpiry = expiries.isEmpty() ? null : expiries.get(0);
    }

    /**
     * Checks that {@code clock} holds what a timer in {@code state} has pending: one expiry while
     * it runs, none while it is stopped. Returns the expiry, if any.
     */
    List<Clock.Event> check(State state, Clock.State clock) {
        List<Clock.Event> mine = clock.pendingFor(clockName);
        for (Clock.Event e : mine) {
            if (!(e.what() instanceof Expiry)) {
                throw new IllegalArgumentException("not a timer event: " + e);
            }
        }
        int expected = state.period() == 0 ? 0 : 1;
        if (mine.size() != expected) {
            throw new IllegalArgumentException(String.format("a timer with period %d has %d"
                    + " expiry pending, but the clock holds %d", state.period(), expected, mine.size()));
        }
        return mine;
    }

    /**
     * The timer's state. Its next expiry is not here but on the clock, with every other pending
     * event, as an {@link Expiry} of the timer's: one while the timer runs.
     *
     * @param period the period in ticks, 0 if the timer is stopped
     */
    public record State(long period) {
        public State {
            if (period < 0 || period > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException(
                        "a timer period is an unsigned 32-bit count, was " + period);
            }
        }
    }

    private void expireAt(long due) {
        nextExpiry = clock.schedule(due, clockName, new Expiry());
    }

    private void expire(long due) {
        nextExpiry = null;
        pic.request(LINE);
        // Keep the cadence of the first expiry (due, due + period, ...) whenever the CPU got
        // round to running this event. Periods that passed entirely while the CPU was late merge
        // into this one request, as a pending request on the interrupt controller would anyway.
        long next = due + period;
        if (next <= clock.now()) {
            next = due + ((clock.now() - due) / period + 1) * period;
        }
        expireAt(next);
    }
}
