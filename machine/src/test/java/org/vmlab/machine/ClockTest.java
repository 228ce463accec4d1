package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The clock: time as a count of ticks, and the devices' pending events as plain values, run in
 * tick order and, at one tick, in the order they were scheduled.
 */
class ClockTest {
    private record Ping(int n) implements DeviceEvent {
    }

    private final Clock clock = new Clock();
    private final List<String> fired = new ArrayList<>();
    private final String device = clock.attach("pinger", e -> fired.add(e.tick() + ":" + ((Ping) e.what()).n()));

    @Test
    void pendingEventsAreValuesInTheOrderTheyWillRun() {
        clock.schedule(20, device, new Ping(1));
        clock.schedule(10, device, new Ping(2));
        clock.schedule(10, device, new Ping(3));

        assertThat(clock.pending()).containsExactly(
                new Clock.Event(10, 1, "pinger", new Ping(2)),
                new Clock.Event(10, 2, "pinger", new Ping(3)),
                new Clock.Event(20, 0, "pinger", new Ping(1)));
        assertThat(clock.nextDeadline()).isEqualTo(10);
    }

    @Test
    void dueEventsRunInTickOrderThenInTheOrderScheduled() {
        clock.schedule(20, device, new Ping(1));
        clock.schedule(10, device, new Ping(2));
        clock.schedule(10, device, new Ping(3));

        clock.advanceTo(15);
        clock.runDue();

        assertThat(fired).containsExactly("10:2", "10:3");
        assertThat(clock.pending()).extracting(Clock.Event::what).containsExactly(new Ping(1));
    }

    @Test
    void aCancelledEventNeverRunsAndAPastTickMeansAtOnce() {
        clock.advanceTo(50);
        Clock.Event late = clock.schedule(5, device, new Ping(1));
        Clock.Event cancelled = clock.schedule(60, device, new Ping(2));

        clock.cancel(cancelled);
        clock.runDue();

        assertThat(late.tick()).isEqualTo(50);
        assertThat(fired).containsExactly("50:1");
        assertThat(clock.pending()).isEmpty();
    }

    @Test
    void aSecondDeviceOfTheSameNameGetsANameOfItsOwn() {
        assertThat(clock.attach("pinger", e -> { })).isEqualTo("pinger#2");
        assertThat(clock.attach("pinger", e -> { })).isEqualTo("pinger#3");
    }

    @Test
    void anEventForADeviceNotAttachedIsRefused() {
        assertThatThrownBy(() -> clock.schedule(1, "nobody", new Ping(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no device named nobody is attached to the clock");
    }
}
