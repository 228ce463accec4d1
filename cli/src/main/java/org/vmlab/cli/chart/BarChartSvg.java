package org.vmlab.cli.chart;

import java.util.ArrayList;
import java.util.List;

/**
 * Lays out and writes one {@link BarChart} as SVG. Text widths are estimated (no font is
 * measured, so that the output does not depend on the fonts installed): a character of the
 * generic sans-serif is taken as 0.6 of the font size wide, a little more than the average, so
 * that what is judged to fit does fit.
 */
final class BarChartSvg {
    private static final double PAD = 14;
    private static final double BAR = 22;
    private static final double BAR_GAP = 2;
    private static final double GROUP_GAP = 24;
    private static final double PLOT_HEIGHT = 320;
    private static final double HEADROOM = 12;
    private static final double TITLE_FONT = 17;
    private static final double SUBTITLE_FONT = 12;
    private static final double AXIS_FONT = 13;
    private static final double TICK_FONT = 11;
    private static final double CATEGORY_FONT = 12;
    private static final double VALUE_FONT = 10;
    private static final double LEGEND_FONT = 12;
    private static final double SWATCH = 12;
    private static final double LABEL_ANGLE = 40;

    /** Okabe and Ito's colours, told apart with any colour vision; and the text colour on each. */
    private static final String[] FILLS = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
            "#F0E442", "#000000"};
    private static final String[] TEXT_ON_FILL = {"#ffffff", "#000000", "#ffffff", "#000000", "#000000", "#ffffff",
            "#000000", "#ffffff"};
    private static final String INK = "#222222";
    private static final String GRID = "#dddddd";
    private static final String MUTED = "#777777";

    private final BarChart chart;
    private final Scale scale;
    private final List<Scale.Tick> ticks;
    private final double groupWidth;
    private final double plotLeft;
    private final double plotTop;
    private final double plotWidth;
    private final double width;
    private final double height;
    private final boolean slantedCategories;
    private final boolean anyMissing;
    private final List<LegendItem> legend = new ArrayList<>();

    private record LegendItem(int series, double x, double y) {
    }

    BarChartSvg(BarChart chart) {
        this.chart = chart;
        this.scale = chart.scale();
        this.ticks = scale.ticks();
        int bars = chart.series().size();
        groupWidth = bars * BAR + (bars - 1) * BAR_GAP;
        plotWidth = chart.categories().size() * (groupWidth + GROUP_GAP);
        double tickLabels = ticks.stream().mapToDouble(t -> textWidth(t.label(), TICK_FONT)).max().orElse(0);
        plotLeft = PAD + AXIS_FONT + 8 + tickLabels + 8;
        width = Math.ceil(Math.max(plotLeft + plotWidth + PAD, 2 * PAD
                + Math.max(textWidth(chart.title(), TITLE_FONT), textWidth(chart.subtitle(), SUBTITLE_FONT))));

        double y = PAD + TITLE_FONT + (chart.subtitle().isEmpty() ? 0 : SUBTITLE_FONT + 8) + 20;
        double x = PAD;
        for (int s = 0; s < bars; s++) {
            double itemWidth = SWATCH + 6 + textWidth(chart.series().get(s).name(), LEGEND_FONT) + 18;
            if (x > PAD && x + itemWidth > width - PAD) {
                x = PAD;
                y += LEGEND_FONT + 8;
            }
            legend.add(new LegendItem(s, x, y));
            x += itemWidth;
        }
        plotTop = y + HEADROOM + 8;

        double widest = chart.categories().stream().mapToDouble(c -> textWidth(c, CATEGORY_FONT)).max().orElse(0);
        slantedCategories = widest > groupWidth + GROUP_GAP - 6;
        double categoryBand = slantedCategories
                ? widest * Math.sin(Math.toRadians(LABEL_ANGLE)) + CATEGORY_FONT + 12
                : CATEGORY_FONT + 10;
        anyMissing = chart.series().stream().flatMap(s -> s.values().stream())
                .anyMatch(v -> v == null || !Double.isFinite(v) || !scale.shows(v));
        height = Math.ceil(plotTop + PLOT_HEIGHT + categoryBand + AXIS_FONT + 10 + PAD
                + (anyMissing ? VALUE_FONT + 8 : 0));
    }

    String render() {
        Svg svg = new Svg();
        svg.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.start("svg", "xmlns", "http://www.w3.org/2000/svg", "width", width, "height", height,
                "viewBox", "0 0 " + Svg.number(width) + " " + Svg.number(height),
                "font-family", "sans-serif", "role", "img");
        svg.element("title", chart.title());
        if (!chart.subtitle().isEmpty()) {
            svg.element("desc", chart.subtitle());
        }
        svg.empty("rect", "class", "background", "x", 0.0, "y", 0.0, "width", width, "height", height,
                "fill", "#ffffff");
        heading(svg);
        legend(svg);
        valueAxis(svg);
        bars(svg);
        categoryAxis(svg);
        return svg.end("svg").toString();
    }

    private void heading(Svg svg) {
        svg.element("text", chart.title(), "class", "title", "x", PAD, "y", PAD + TITLE_FONT,
                "font-size", TITLE_FONT, "font-weight", "bold", "fill", INK);
        if (!chart.subtitle().isEmpty()) {
            svg.element("text", chart.subtitle(), "class", "subtitle", "x", PAD,
                    "y", PAD + TITLE_FONT + SUBTITLE_FONT + 6, "font-size", SUBTITLE_FONT, "fill", MUTED);
        }
    }

    private void legend(Svg svg) {
        svg.start("g", "class", "legend");
        for (LegendItem item : legend) {
            svg.empty("rect", "class", "swatch", "x", item.x(), "y", item.y() - SWATCH + 1, "width", SWATCH,
                    "height", SWATCH, "fill", fill(item.series()));
            svg.element("text", chart.series().get(item.series()).name(), "x", item.x() + SWATCH + 6,
                    "y", item.y(), "font-size", LEGEND_FONT, "fill", INK);
        }
        svg.end("g");
    }

    /** Grid lines and labels at the major ticks, marks at the minor ones, the axis and its label. */
    private void valueAxis(Svg svg) {
        double bottom = plotTop + PLOT_HEIGHT;
        svg.start("g", "class", "value-axis");
        for (Scale.Tick tick : ticks) {
            double y = yOf(tick.value());
            if (tick.major()) {
                svg.empty("line", "class", "grid", "x1", plotLeft, "y1", y, "x2", plotLeft + plotWidth, "y2", y,
                        "stroke", GRID, "stroke-width", 1.0);
            }
            svg.empty("line", "class", tick.major() ? "tick major" : "tick minor", "x1", plotLeft - (tick.major() ? 6 : 3),
                    "y1", y, "x2", plotLeft, "y2", y, "stroke", INK, "stroke-width", 1.0);
            if (tick.major()) {
                svg.element("text", tick.label(), "class", "tick-label", "x", plotLeft - 9, "y", y + TICK_FONT * 0.35,
                        "font-size", TICK_FONT, "text-anchor", "end", "fill", INK);
            }
        }
        svg.empty("line", "class", "axis", "x1", plotLeft, "y1", plotTop, "x2", plotLeft, "y2", bottom,
                "stroke", INK, "stroke-width", 1.0);
        double middle = plotTop + PLOT_HEIGHT / 2;
        double x = PAD + AXIS_FONT;
        svg.element("text", chart.valueLabel(), "class", "axis-label", "x", x, "y", middle,
                "font-size", AXIS_FONT, "text-anchor", "middle", "fill", INK,
                "transform", "rotate(-90 " + Svg.number(x) + " " + Svg.number(middle) + ")");
        svg.end("g");
    }

    private void bars(Svg svg) {
        double bottom = plotTop + PLOT_HEIGHT;
        svg.start("g", "class", "bars");
        List<Runnable> labels = new ArrayList<>();
        for (int s = 0; s < chart.series().size(); s++) {
            Series series = chart.series().get(s);
            svg.start("g", "class", "series", "fill", fill(s));
            for (int c = 0; c < chart.categories().size(); c++) {
                double x = plotLeft + GROUP_GAP / 2 + c * (groupWidth + GROUP_GAP) + s * (BAR + BAR_GAP);
                Double value = series.values().get(c);
                String what = chart.categories().get(c) + ", " + series.name() + ": ";
                if (value == null || !Double.isFinite(value) || !scale.shows(value)) {
                    missing(svg, x, bottom, what + (value == null ? "not measured" : chart.format(value)));
                    continue;
                }
                double top = yOf(value);
                String label = chart.format(value);
                svg.start("rect", "class", "bar", "x", x, "y", top, "width", BAR, "height", bottom - top);
                svg.element("title", what + label);
                svg.end("rect");
                int index = s;
                labels.add(() -> valueLabel(svg, index, x, top, bottom, label));
            }
            svg.end("g");
        }
        svg.end("g");
        // After every bar, so that no bar is drawn over a label that stands above its neighbour.
        svg.start("g", "class", "value-labels", "font-size", VALUE_FONT);
        labels.forEach(Runnable::run);
        svg.end("g");
        svg.empty("line", "class", "axis", "x1", plotLeft, "y1", bottom, "x2", plotLeft + plotWidth, "y2", bottom,
                "stroke", INK, "stroke-width", 1.0);
    }

    /** A bar with no value: a short grey "n/a" where it would stand, the reason in its tooltip. */
    private static void missing(Svg svg, double x, double bottom, String tooltip) {
        double cx = x + BAR / 2;
        double y = bottom - 4;
        svg.start("text", "class", "missing", "x", cx + VALUE_FONT * 0.35, "y", y, "font-size", VALUE_FONT,
                "fill", MUTED, "transform", rotate(cx + VALUE_FONT * 0.35, y));
        svg.element("title", tooltip);
        svg.raw("n/a");
        svg.end("text");
    }

    /**
     * The value on its bar where it fits: level above the bar if it is no wider than the bar (so that
     * neighbours' labels do not touch);
     * else turned upright, above the bar if there is room below the plot's top, else inside the
     * bar if the bar is tall enough; else nowhere (the tooltip and the JSON still have it).
     */
    private void valueLabel(Svg svg, int series, double x, double top, double bottom, String label) {
        double cx = x + BAR / 2;
        double w = textWidth(label, VALUE_FONT);
        if (w <= BAR && top - 3 - VALUE_FONT >= plotTop - HEADROOM) {
            svg.element("text", label, "class", "value", "x", cx, "y", top - 3, "text-anchor", "middle", "fill", INK);
        } else if (top - 4 - w >= plotTop - HEADROOM) {
            double lx = cx + VALUE_FONT * 0.35;
            svg.element("text", label, "class", "value", "x", lx, "y", top - 4, "fill", INK,
                    "transform", rotate(lx, top - 4));
        } else if (w + 8 <= bottom - top) {
            double lx = cx + VALUE_FONT * 0.35;
            svg.element("text", label, "class", "value", "x", lx, "y", top + 4, "text-anchor", "end",
                    "fill", TEXT_ON_FILL[series % TEXT_ON_FILL.length], "transform", rotate(lx, top + 4));
        }
    }

    private void categoryAxis(Svg svg) {
        double bottom = plotTop + PLOT_HEIGHT;
        svg.start("g", "class", "category-axis", "font-size", CATEGORY_FONT, "fill", INK);
        double labelsEnd = bottom;
        for (int c = 0; c < chart.categories().size(); c++) {
            double cx = plotLeft + GROUP_GAP / 2 + c * (groupWidth + GROUP_GAP) + groupWidth / 2;
            String name = chart.categories().get(c);
            if (slantedCategories) {
                double y = bottom + CATEGORY_FONT + 2;
                svg.element("text", name, "class", "category", "x", cx, "y", y, "text-anchor", "end",
                        "transform", "rotate(-" + Svg.number(LABEL_ANGLE) + " " + Svg.number(cx) + " " + Svg.number(y) + ")");
                labelsEnd = Math.max(labelsEnd, y + textWidth(name, CATEGORY_FONT) * Math.sin(Math.toRadians(LABEL_ANGLE)));
            } else {
                svg.element("text", name, "class", "category", "x", cx, "y", bottom + CATEGORY_FONT + 4,
                        "text-anchor", "middle");
                labelsEnd = bottom + CATEGORY_FONT + 4;
            }
        }
        double axisLabel = labelsEnd + AXIS_FONT + 8;
        svg.element("text", chart.categoryLabel(), "class", "axis-label", "x", plotLeft + plotWidth / 2,
                "y", axisLabel, "font-size", AXIS_FONT, "text-anchor", "middle");
        svg.end("g");
        if (anyMissing) {
            svg.element("text", "n/a: not measured (the tooltip says why)", "class", "note", "x", PAD,
                    "y", axisLabel + VALUE_FONT + 8, "font-size", VALUE_FONT, "fill", MUTED);
        }
    }

    /** The y coordinate of {@code value}, kept inside the plot. */
    private double yOf(double value) {
        double f = Math.max(0, Math.min(1, scale.fraction(value)));
        return plotTop + PLOT_HEIGHT * (1 - f);
    }

    private static String fill(int series) {
        return FILLS[series % FILLS.length];
    }

    private static String rotate(double x, double y) {
        return "rotate(-90 " + Svg.number(x) + " " + Svg.number(y) + ")";
    }

    private static double textWidth(String text, double fontSize) {
        return text.codePointCount(0, text.length()) * fontSize * 0.6;
    }
}
