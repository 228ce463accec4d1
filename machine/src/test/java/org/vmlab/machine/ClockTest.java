package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The clock: time as a count of ticks, and the devices' pending events as plain values, run in
 * tick order and, at one tick, in the order they were scheduled; its state is a value, which a
 * clock with the same devices attached restores.
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

    @Test
    void itsStateIsItsTimeItsSequenceCounterAndItsPendingEvents() {
        clock.advanceTo(5);
        clock.schedule(20, device, new Ping(1));
        clock.schedule(10, device, new Ping(2));

        assertThat(clock.state()).isEqualTo(new Clock.State(5, 2, List.of(
                new Clock.Event(10, 1, "pinger", new Ping(2)),
                new Clock.Event(20, 0, "pinger", new Ping(1)))));
    }

    @Test
    void aRestoredClockRunsTheSameEventsAtTheSameTimesAndSchedulesAfterThem() {
        clock.advanceTo(5);
        clock.schedule(10, device, new Ping(1));
        clock.schedule(12, device, new Ping(2));
        Clock.State state = clock.state();

        Clock other = new Clock();
        List<String> otherFired = new ArrayList<>();
        other.attach("pinger", e -> otherFired.add(e.tick() + ":" + ((Ping) e.what()).n()));
        other.restore(state, 5);
        other.schedule(10, "pinger", new Ping(3));
        other.advanceTo(12);
        other.runDue();

        assertThat(other.state().sequence()).isEqualTo(3);
        assertThat(otherFired).as("the event scheduled after the restore runs after those restored")
                .containsExactly("10:1", "10:3", "12:2");
        assertThat(other.state()).isEqualTo(new Clock.State(12, 3, List.of()));
    }

    @Test
    void aRestoredClockReadsTheCapturedTimeWhileItsDriverCountsOnFromWhereItStands() {
        clock.advanceTo(1000);
        clock.schedule(1010, device, new Ping(1));
        Clock.State state = clock.state();

        Clock fresh = new Clock();
        fresh.attach("pinger", e -> { });
        fresh.restore(state, 0);   // a fresh machine's CPU, at tick 0

        assertThat(fresh.now()).isEqualTo(1000);
        assertThat(fresh.nextDeadline()).as("in the driver's count").isEqualTo(10);
        fresh.advanceTo(7);
        assertThat(fresh.now()).isEqualTo(1007);
        fresh.schedule(fresh.now() + 1, "pinger", new Ping(2));
        assertThat(fresh.nextDeadline()).isEqualTo(8);
        assertThat(fresh.pending()).extracting(Clock.Event::tick).containsExactly(1008L, 1010L);
    }

    @Test
    void aStateWithAnEventForADeviceNotAttachedIsRefusedAndChangesNothing() {
        Clock other = new Clock();
        other.attach("pinger", e -> { });
        Clock.Event mine = other.schedule(3, "pinger", new Ping(1));
        Clock.State foreign = new Clock.State(50, 1, List.of(new Clock.Event(60, 0, "nobody", new Ping(2))));

        assertThatThrownBy(() -> other.restore(foreign, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nobody");
        assertThat(other.state()).isEqualTo(new Clock.State(0, 1, List.of(mine)));
    }

    @Test
    void aStateWhoseEventsAreNotAllBeforeItsSequenceCounterIsNotAState() {
        assertThatThrownBy(() -> new Clock.State(0, 1, List.of(new Clock.Event(5, 1, "pinger", new Ping(1)))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
