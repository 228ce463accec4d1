package org.vmlab.cli.chart;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A grouped bar chart, written as a self-contained SVG file: one group of bars per category (a
 * workload, a benchmark), one bar per series (a technique) in each, with a title, a legend, both
 * axes' labels and, where they fit, the values on the bars.
 *
 * <p>The SVG has no script, no style sheet and no font but the generic {@code sans-serif}, so it
 * looks the same in any browser or document; and it is a function of the chart alone (no date,
 * no random identifier), so the same data always makes the same bytes.
 *
 * @param title         the figure's title, at its top
 * @param subtitle      one line under the title (what was measured, and how), or empty
 * @param categoryLabel the label of the category axis, under the groups (such as "workload")
 * @param valueLabel    the label of the value axis, with its unit
 * @param logScale      true for a log scale (base 10, a labelled tick per decade): for values
 *                      that span orders of magnitude; else a linear scale from 0
 * @param valueFormat   how a value is written on its bar and in its tooltip: a
 *                      {@link String#format} pattern for one double, such as {@code "%,.0f"}
 * @param categories    the groups, left to right
 * @param series        the bars of each group, left to right, with one value per category
 */
public record BarChart(String title, String subtitle, String categoryLabel, String valueLabel, boolean logScale,
                       String valueFormat, List<String> categories, List<Series> series) {

    public BarChart {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(subtitle, "subtitle");
        Objects.requireNonNull(categoryLabel, "categoryLabel");
        Objects.requireNonNull(valueLabel, "valueLabel");
        Objects.requireNonNull(valueFormat, "valueFormat");
        categories = List.copyOf(categories);
        series = List.copyOf(series);
        if (categories.isEmpty() || series.isEmpty()) {
            throw new IllegalArgumentException("a bar chart needs at least one category and one series");
        }
        for (Series s : series) {
            if (s.values().size() != categories.size()) {
                throw new IllegalArgumentException("series " + s.name() + " has " + s.values().size()
                        + " values for " + categories.size() + " categories");
            }
        }
    }

    /** The value axis: from the values that can be drawn (on a log scale, those above 0). */
    public Scale scale() {
        double smallest = Double.POSITIVE_INFINITY;
        double largest = 0;
        for (Series s : series) {
            for (Double v : s.values()) {
                if (v != null && Double.isFinite(v) && v > 0) {
                    smallest = Math.min(smallest, v);
                    largest = Math.max(largest, v);
                }
            }
        }
        if (largest == 0) {
            return logScale ? Scale.log(1, 10) : Scale.linear(1);
        }
        return logScale ? Scale.log(smallest, largest) : Scale.linear(largest);
    }

    /** {@code value} as its bar's label says it. */
    public String format(double value) {
        return String.format(Locale.ROOT, valueFormat, value);
    }

    /** The chart as an SVG document (UTF-8 text, ending in a newline). */
    public String toSvg() {
        return new BarChartSvg(this).render();
    }
}
