package org.vmlab.cli.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleTest {

    @Test
    void aLogScalePlacesTenfoldValuesOneDecadeApart() {
        Scale log = Scale.log(4, 6_444_942);
        double decade = log.fraction(10) - log.fraction(1);

        assertThat(decade).isPositive();
        for (double v : new double[] {1, 4, 57, 212, 4_067, 54_772}) {
            assertThat(log.fraction(10 * v) - log.fraction(v)).as("%s to %s", v, 10 * v).isCloseTo(decade, within(1e-12));
        }
        assertThat(log.fraction(2) - log.fraction(1)).isCloseTo(log.fraction(200) - log.fraction(100), within(1e-12));
    }

    @Test
    void aLogScaleRunsFromTheDecadeBelowTheSmallestToARoundNumberAboveTheLargest() {
        Scale log = Scale.log(4, 6_444_942);

        assertThat(log.min()).isEqualTo(1);
        assertThat(log.max()).isCloseTo(10_000_000, within(1e-6));
        assertThat(log.fraction(1)).isZero();
        assertThat(log.fraction(log.max())).isCloseTo(1, within(1e-12));
        assertThat(Scale.log(1.75, 119.31).max()).isCloseTo(200, within(1e-9));
        assertThat(Scale.log(0.03, 0.5).min()).isCloseTo(0.01, within(1e-15));
    }

    @Test
    void aLogScaleLabelsEveryDecadeAndMarksTwoToNineTimesItWithoutALabel() {
        List<Scale.Tick> ticks = Scale.log(4, 6_444_942).ticks();

        assertThat(ticks.stream().filter(Scale.Tick::major).map(Scale.Tick::label)).containsExactly(
                "1", "10", "100", "1,000", "10,000", "100,000", "1,000,000", "10,000,000");
        assertThat(ticks.stream().filter(t -> !t.major()).map(Scale.Tick::value).toList())
                .hasSize(7 * 8).contains(2.0, 9.0, 20.0, 9_000_000.0).allSatisfy(v -> assertThat(v).isLessThan(1e7));
        assertThat(ticks.stream().filter(t -> !t.major())).allMatch(t -> t.label().isEmpty());
        assertThat(Scale.log(0.03, 0.5).ticks().stream().filter(Scale.Tick::major).map(Scale.Tick::label))
                .containsExactly("0.01", "0.1");
    }

    @Test
    void aLogScaleHasNoPlaceForZeroOrLess() {
        Scale log = Scale.log(1, 100);

        assertThat(log.shows(0)).isFalse();
        assertThat(log.shows(-3)).isFalse();
        assertThat(log.shows(0.001)).isTrue();
    }

    @Test
    void aLinearScaleStartsAtZeroWithRoundTicks() {
        Scale linear = Scale.linear(7.3);

        assertThat(linear.min()).isZero();
        assertThat(linear.max()).isEqualTo(8);
        assertThat(linear.fraction(4)).isEqualTo(0.5);
        assertThat(linear.ticks().stream().map(Scale.Tick::label)).containsExactly("0", "2", "4", "6", "8");
        assertThat(Scale.linear(0.7).ticks().stream().map(Scale.Tick::label))
                .containsExactly("0", "0.2", "0.4", "0.6", "0.8");
    }
}
