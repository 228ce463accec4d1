package org.vmlab.cli.chart;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The value axis of a chart: where a value lies between the bottom of the plot (0) and its top
 * (1), and the ticks to draw.
 */
public sealed interface Scale permits Scale.Linear, Scale.Log {

    /** The value at the bottom of the plot, where bars start. */
    double min();

    /** The value at the top of the plot. */
    double max();

    /** Where {@code value} lies: 0 at {@link #min()}, 1 at {@link #max()}. */
    double fraction(double value);

    /** The ticks, bottom to top: labelled major ones and, on a log scale, unlabelled minor ones. */
    List<Tick> ticks();

    /** True if {@code value} can be placed on this scale (a log scale has no place for 0 or less). */
    boolean shows(double value);

    /** A tick mark at {@code value}; {@code label} is empty for a minor tick. */
    record Tick(double value, String label, boolean major) {
    }

    /**
     * A linear scale from 0 to a round number at least {@code largest}, ticked every 1, 2 or 5
     * times a power of ten, so that there are about five ticks.
     */
    static Scale linear(double largest) {
        double top = largest > 0 ? largest : 1;
        double step = niceStep(top / 5);
        return new Linear(Math.ceil(top / step - 1e-9) * step, step);
    }

    /**
     * A log scale (base 10) from the power of ten at or below {@code smallest} to a round number
     * (1, 2 or 5 times a power of ten) at or above {@code largest}, with a labelled tick at every
     * power of ten (a decade) and minor ticks at 2 to 9 times it.
     */
    static Scale log(double smallest, double largest) {
        if (!(smallest > 0) || !(largest > 0)) {
            return new Log(0, 1);
        }
        int bottom = (int) Math.floor(Math.log10(smallest));
        double topValue = niceCeiling(Math.max(largest, smallest));
        if (topValue <= Math.pow(10, bottom)) {
            topValue = Math.pow(10, bottom + 1);
        }
        return new Log(bottom, Math.log10(topValue));
    }

    /** A linear scale from 0 to {@code max}, ticked every {@code step}. */
    record Linear(double max, double step) implements Scale {
        @Override
        public double min() {
            return 0;
        }

        @Override
        public double fraction(double value) {
            return value / max;
        }

        @Override
        public boolean shows(double value) {
            return value >= 0;
        }

        @Override
        public List<Tick> ticks() {
            List<Tick> ticks = new ArrayList<>();
            int count = (int) Math.round(max / step);
            for (int i = 0; i <= count; i++) {
                // i * step in decimal, not a running sum of doubles: no 0.30000000000000004.
                BigDecimal value = BigDecimal.valueOf(step).multiply(BigDecimal.valueOf(i));
                ticks.add(new Tick(value.doubleValue(), number(value), true));
            }
            return ticks;
        }
    }

    /**
     * A log scale from {@code 10^bottomExponent} to {@code 10^topExponent} (which need not be a
     * whole number: the top may lie inside a decade).
     */
    record Log(int bottomExponent, double topExponent) implements Scale {
        @Override
        public double min() {
            return Math.pow(10, bottomExponent);
        }

        @Override
        public double max() {
            return Math.pow(10, topExponent);
        }

        @Override
        public double fraction(double value) {
            return (Math.log10(value) - bottomExponent) / (topExponent - bottomExponent);
        }

        @Override
        public boolean shows(double value) {
            return value > 0;
        }

        @Override
        public List<Tick> ticks() {
            List<Tick> ticks = new ArrayList<>();
            for (int exponent = bottomExponent; exponent <= topExponent + 1e-9; exponent++) {
                ticks.add(new Tick(decade(exponent), number(BigDecimal.ONE.scaleByPowerOfTen(exponent)), true));
                for (int m = 2; m <= 9; m++) {
                    double value = m * decade(exponent);
                    if (Math.log10(value) <= topExponent + 1e-9) {
                        ticks.add(new Tick(value, "", false));
                    }
                }
            }
            return ticks;
        }

        /** 10^exponent, exactly as the decimal literal would give it. */
        private static double decade(int exponent) {
            return Double.parseDouble("1e" + exponent);
        }
    }

    /** The smallest of 1, 2 and 5 times a power of ten that is at least {@code value}. */
    private static double niceCeiling(double value) {
        double decade = Math.pow(10, Math.floor(Math.log10(value)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * decade >= value * (1 - 1e-12)) {
                return m * decade;
            }
        }
        return 10 * decade;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    private static double niceStep(double rough) {
        return niceCeiling(rough);
    }

    /** A tick's label: a plain number with thousands separators, no exponent, no trailing zeros. */
    private static String number(BigDecimal value) {
        BigDecimal plain = value.stripTrailingZeros();
        if (plain.scale() <= 0) {
            return String.format(Locale.ROOT, "%,d", plain.toBigInteger());
        }
        return plain.toPlainString();
    }
}
