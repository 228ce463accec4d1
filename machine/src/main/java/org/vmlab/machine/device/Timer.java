package org.vmlab.machine.device;

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
