package org.vmlab.cpu.paravirt;

import org.vmlab.machine.Clock;
import org.vmlab.machine.DeviceEvent;

/**
 * The vCPU's one-shot timer that {@code set_timer_op} sets, Xen's {@code singleshot_timer}: one
 * deadline at a time on the VM's clock, which raises {@code VIRQ_TIMER} when it is reached. It
 * is an event on the clock like a device's, so the VMM's loop runs the guest up to it and a
 * blocked vCPU idles to it.
 */
final class SingleShotTimer {
    /**
     * How far ahead a deadline may lie: Xen takes a deadline more than 2^50 of its nanoseconds
     * ahead for a guest's wrapped arithmetic; here one further ahead is brought back to this, so
     * that the VM's time never nears overflow.
     */
    static final long MAX_AHEAD = 1L << 50;

    /** The timer's one event on the clock: the deadline was reached. */
    record Deadline() implements DeviceEvent {
    }

    private final Clock clock;
    private final String clockName;
    private Clock.Event next;

    /** A timer on {@code clock} that runs {@code expired} at each deadline reached. */
    SingleShotTimer(Clock clock, Runnable expired) {
        this.clock = clock;
        this.clockName = clock.attach("singleshot-timer", event -> {
            next = null;
            expired.run();
        });
    }

    /**
     * Replaces the deadline with {@code deadline}, in the clock's ticks: 0 cancels it; one in the
     * past (or negative, as Xen's signed time) expires at once, at the next look at the clock.
     */
    void set(long deadline) {
        cancel();
        if (deadline == 0) {
            return;
        }
        long now = clock.now();
        long at = deadline < now ? now : Math.min(deadline, now + MAX_AHEAD);
        next = clock.schedule(at, clockName, new Deadline());
    }

    void cancel() {
        if (next != null) {
            clock.cancel(next);
            next = null;
        }
    }
}
