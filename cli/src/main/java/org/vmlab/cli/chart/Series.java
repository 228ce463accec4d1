package org.vmlab.cli.chart;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One series of a grouped bar chart: its name in the legend and one value per category, in the
 * chart's order of categories. A null value is a measurement that is missing (a lab not written
 * yet, a run that failed): the chart shows "n/a" where its bar would be.
 */
public record Series(String name, List<Double> values) {
    public Series {
        Objects.requireNonNull(name, "name");
        // List.copyOf refuses nulls, and null is a value here.
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }
}
