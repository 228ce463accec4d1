package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The timer: line 0 every {@code period} ticks from the write; 0 stops it. */
class TimerTest {
    private final Bench bench = new Bench();
    private final Timer timer = new Timer(bench.clock, bench.pic);

    @Test
    void itIsStoppedAtReset() {
        bench.run(100_000);
        assertThat(bench.pending(Timer.LINE)).isFalse();
        assertThat(timer.in(0)).isZero();
    }

    @Test
    void itRaisesLine0EveryPeriodCountedFromTheWrite() {
        bench.run(7);
        timer.out(0, 100);
        assertThat(timer.in(0)).isEqualTo(100);

        bench.runTo(106);
        assertThat(bench.pending(Timer.LINE)).isFalse();
        bench.runTo(107);
        assertThat(bench.pending(Timer.LINE)).isTrue();
        assertThat(bench.takeInterrupt()).isEqualTo(32);

        bench.runTo(206);
        assertThat(bench.pending(Timer.LINE)).isFalse();
        bench.runTo(207);
        assertThat(bench.pending(Timer.LINE)).isTrue();
    }

    @Test
    void writingZeroStopsIt() {
        timer.out(0, 50);
        bench.runTo(50);
        bench.takeInterrupt();

        timer.out(0, 0);
        bench.run(1000);
        assertThat(bench.pending(Timer.LINE)).isFalse();
        assertThat(bench.clock.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void reprogrammingRestartsTheCountFromNow() {
        timer.out(0, 100);
        bench.runTo(90);
        timer.out(0, 30);
        bench.runTo(119);
        assertThat(bench.pending(Timer.LINE)).as("the old expiry at 100 is gone").isFalse();
        bench.runTo(120);
        assertThat(bench.pending(Timer.LINE)).isTrue();
    }

    @Test
    void aLateCpuMergesMissedPeriodsAndKeepsTheCadence() {
        timer.out(0, 10);
        bench.clock.advanceTo(35);   // the CPU let time pass without running events
        bench.clock.runDue();
        assertThat(bench.takeInterrupt()).isEqualTo(32);
        assertThat(bench.pending(Timer.LINE)).isFalse();
        assertThat(bench.clock.nextDeadline()).isEqualTo(40);
    }

    @Test
    void port1ReadsTheLow32BitsOfTheTickCount() {
        bench.runTo(0x1_0000_0005L);
        assertThat(timer.in(1)).isEqualTo(5);
    }

    @Test
    void thePeriodIsUnsigned() {
        timer.out(0, 0x8000_0000);
        assertThat(timer.period()).isEqualTo(0x8000_0000L);
        assertThat(bench.clock.nextDeadline()).isEqualTo(0x8000_0000L);
    }

    @Test
    void itsStateIsItsPeriodAndARestoredTimerKeepsTheCadence() {
        timer.out(0, 100);
        bench.runTo(250);
        bench.takeInterrupt();
        Timer.State state = timer.state();
        assertThat(state).isEqualTo(new Timer.State(100));

        Bench other = new Bench();
        Timer restored = new Timer(other.clock, other.pic);
        other.restoreFrom(bench);
        restored.restore(state);

        assertThat(restored.state()).isEqualTo(state);
        other.runTo(299);
        assertThat(other.pending(Timer.LINE)).isFalse();
        other.runTo(300);
        assertThat(other.pending(Timer.LINE)).as("at 300, as the original will").isTrue();
        bench.runTo(300);
        assertThat(other.clock.state()).isEqualTo(bench.clock.state());
    }

    @Test
    void aRestoredTimerCancelsTheExpiryItTookBackWhenReprogrammed() {
        timer.out(0, 100);
        Bench other = new Bench();
        Timer restored = new Timer(other.clock, other.pic);
        other.restoreFrom(bench);
        restored.restore(timer.state());

        restored.out(0, 0);

        assertThat(other.clock.pending()).as("the restored expiry is the timer's own").isEmpty();
    }

    @Test
    void aRunningTimerWithoutItsExpiryOnTheClockIsRefused() {
        assertThatThrownBy(() -> timer.restore(new Timer.State(100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period 100");
    }
}
