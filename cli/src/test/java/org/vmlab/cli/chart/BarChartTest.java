package org.vmlab.cli.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.vmlab.cli.chart.SvgDocument.number;
import static org.vmlab.cli.chart.SvgDocument.tooltip;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class BarChartTest {

    /** Three benchmarks, natively and under two techniques, over six decades; one cell not measured. */
    private static BarChart nanobench() {
        return new BarChart("Cost of one operation", "simulated cycles; N = 200", "benchmark",
                "cycles per operation (log scale)", true, "%,.0f",
                List.of("syscall", "cr-write", "forkwait"),
                List.of(new Series("native", List.of(212.0, 4.0, 54_772.0)),
                        new Series("trap-emulate/classic", List.of(4_067.0, 2_033.0, 6_444_942.0)),
                        new Series("binary-translation/legacy", Arrays.asList(3_341.0, null, 6_534_994.0))));
    }

    @Test
    void theSvgIsWellFormedAndSelfContained() throws Exception {
        String svg = nanobench().toSvg();

        SvgDocument doc = SvgDocument.parse(svg);
        assertThat(doc.root().getLocalName()).isEqualTo("svg");
        assertThat(doc.root().getNamespaceURI()).isEqualTo(SvgDocument.SVG_NAMESPACE);
        assertThat(doc.root().getAttribute("viewBox")).matches("0 0 \\d+ \\d+");
        assertThat(svg).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").endsWith("</svg>\n")
                .doesNotContain("<script", "<style", "href", "url(", "@import", "@font-face", "\r");
        assertThat(doc.named("script")).isEmpty();
    }

    @Test
    void everyValueHasABarWithItsTooltipAndAMissingOneSaysNotApplicable() throws Exception {
        SvgDocument doc = SvgDocument.parse(nanobench().toSvg());

        List<Element> bars = doc.withClass("bar");
        assertThat(bars).hasSize(8);
        assertThat(bars.stream().map(SvgDocument::tooltip)).contains("syscall, native: 212",
                "forkwait, trap-emulate/classic: 6,444,942", "cr-write, native: 4");
        List<Element> missing = doc.withClass("missing");
        assertThat(missing).hasSize(1);
        assertThat(SvgDocument.ownText(missing.get(0))).isEqualTo("n/a");
        assertThat(tooltip(missing.get(0))).isEqualTo("cr-write, binary-translation/legacy: not measured");
        assertThat(doc.textsOf("note")).containsExactly("n/a: not measured (the tooltip says why)");
    }

    @Test
    void titleAxesLegendAndCategoriesAreLabelled() throws Exception {
        SvgDocument doc = SvgDocument.parse(nanobench().toSvg());

        assertThat(doc.textsOf("title")).containsExactly("Cost of one operation");
        assertThat(doc.textsOf("subtitle")).containsExactly("simulated cycles; N = 200");
        assertThat(doc.textsOf("axis-label")).containsExactly("cycles per operation (log scale)", "benchmark");
        assertThat(doc.textsOf("category")).containsExactly("syscall", "cr-write", "forkwait");
        assertThat(doc.withClass("swatch")).hasSize(3);
        assertThat(doc.withClass("legend").get(0).getTextContent())
                .contains("native", "trap-emulate/classic", "binary-translation/legacy");
        assertThat(doc.named("title").get(0).getTextContent()).isEqualTo("Cost of one operation");
    }

    @Test
    void valuesAreWrittenOnTheBarsWhereTheyFit() throws Exception {
        SvgDocument doc = SvgDocument.parse(nanobench().toSvg());

        // Short values stand level above their bars, long ones upright; all fit in this chart.
        assertThat(doc.textsOf("value")).containsExactlyInAnyOrder("212", "4", "54,772", "4,067", "2,033",
                "6,444,942", "3,341", "6,534,994");
        assertThat(doc.withClass("value").stream().filter(e -> e.getAttribute("transform").startsWith("rotate(-90")))
                .extracting(SvgDocument::ownText).contains("6,444,942", "54,772").doesNotContain("4", "212");
    }

    @Test
    void theLogAxisHasALabelledTickAtEveryDecade() throws Exception {
        SvgDocument doc = SvgDocument.parse(nanobench().toSvg());

        assertThat(doc.textsOf("tick-label")).containsExactly("1", "10", "100", "1,000", "10,000", "100,000",
                "1,000,000", "10,000,000");
        List<Element> majors = doc.withClass("major");
        assertThat(majors).hasSize(8);
        double decade = number(majors.get(0), "y1") - number(majors.get(1), "y1");
        assertThat(decade).isPositive();
        for (int i = 1; i < majors.size(); i++) {
            assertThat(number(majors.get(i - 1), "y1") - number(majors.get(i), "y1")).isCloseTo(decade, within(0.11));
        }
        assertThat(doc.withClass("minor")).hasSize(7 * 8);
    }

    @Test
    void barsOfTenfoldValuesDifferByOneDecadeOfHeight() throws Exception {
        BarChart chart = new BarChart("t", "", "x", "y", true, "%.0f", List.of("a", "b", "c", "d"),
                List.of(new Series("s", List.of(1.0, 10.0, 100.0, 1_000.0))));
        SvgDocument doc = SvgDocument.parse(chart.toSvg());

        Map<String, Double> heights = new HashMap<>();
        for (Element bar : doc.withClass("bar")) {
            heights.put(tooltip(bar), number(bar, "height"));
        }
        List<Element> majors = doc.withClass("major");
        double decade = number(majors.get(0), "y1") - number(majors.get(1), "y1");
        assertThat(heights.get("a, s: 1")).isZero();
        assertThat(heights.get("b, s: 10")).isCloseTo(decade, within(0.11));
        assertThat(heights.get("c, s: 100")).isCloseTo(2 * decade, within(0.11));
        assertThat(heights.get("d, s: 1000")).isCloseTo(3 * decade, within(0.11));
    }

    @Test
    void textIsEscapedAndReadsBackAsGiven() throws Exception {
        BarChart chart = new BarChart("<script>alert('x')</script> & \"friends\"", "a < b", "cat & dog", "y > 0",
                false, "%.1f", List.of("<b>", "x&y"), List.of(new Series("it's \"quoted\"", List.of(1.0, 2.0))));
        String svg = chart.toSvg();

        SvgDocument doc = SvgDocument.parse(svg);
        assertThat(doc.named("script")).isEmpty();
        assertThat(doc.textsOf("title")).containsExactly("<script>alert('x')</script> & \"friends\"");
        assertThat(doc.textsOf("category")).containsExactly("<b>", "x&y");
        assertThat(doc.withClass("legend").get(0).getTextContent()).contains("it's \"quoted\"");
        assertThat(svg).doesNotContain("<script>", "<b>");
    }

    @Test
    void theSameDataMakesTheSameBytes() {
        assertThat(nanobench().toSvg()).isEqualTo(nanobench().toSvg());
        assertThat(nanobench()).isEqualTo(nanobench());
    }

    @Test
    void aLinearChartStartsAtZero() throws Exception {
        BarChart chart = new BarChart("t", "", "x", "y", false, "%.1f", List.of("a", "b"),
                List.of(new Series("s", List.of(2.5, 7.3))));
        SvgDocument doc = SvgDocument.parse(chart.toSvg());

        assertThat(doc.textsOf("tick-label")).containsExactly("0", "2", "4", "6", "8");
        assertThat(doc.withClass("bar")).hasSize(2);
        assertThat(doc.withClass("minor")).isEmpty();
    }

    @Test
    void aSeriesMustHaveAValueForEveryCategory() {
        assertThatThrownBy(() -> new BarChart("t", "", "x", "y", true, "%.0f", List.of("a", "b"),
                List.of(new Series("s", List.of(1.0)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("series s has 1 values for 2");
    }
}
