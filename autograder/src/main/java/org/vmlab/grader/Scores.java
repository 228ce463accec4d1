package org.vmlab.grader;

import java.math.BigDecimal;

/** Arithmetic on points: rounded to 4 decimals, so 0.1 + 0.2 prints as 0.3. */
public final class Scores {

    private Scores() {
    }

    /** {@code points} rounded to 4 decimals. */
    static double round(double points) {
        return Math.round(points * 10_000) / 10_000.0;
    }

    /** {@code points} as people write it: "3", "2.5". */
    public static String format(double points) {
        return BigDecimal.valueOf(round(points)).stripTrailingZeros().toPlainString();
    }
}
