package org.vmlab.cli.chart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SvgTest {

    @Test
    void textIsEscapedForContentAndAttributes() {
        assertThat(Svg.escape("a<b & c>\"d\" 'e'")).isEqualTo("a&lt;b &amp; c&gt;&quot;d&quot; &apos;e&apos;");
    }

    @Test
    void charactersXmlDoesNotAllowBecomeReplacementCharacters() {
        assertThat(Svg.escape("bell\u0007 nul\0 lone\uD800 pair\uD83D\uDE00 tab\t"))
                .isEqualTo("bell\uFFFD nul\uFFFD lone\uFFFD pair\uD83D\uDE00 tab\t");
    }

    @Test
    void coordinatesHaveAtMostOneDecimalAndNoExponent() {
        assertThat(Svg.number(12.0)).isEqualTo("12");
        assertThat(Svg.number(12.25)).isEqualTo("12.3");
        assertThat(Svg.number(-0.04)).isEqualTo("0");
        assertThat(Svg.number(-3.5)).isEqualTo("-3.5");
        assertThat(Svg.number(1e7)).isEqualTo("10000000");
    }

    @Test
    void elementsAndAttributesAreWrittenInOrder() {
        String svg = new Svg().start("g", "class", "a&b").element("text", "<x>", "x", 1.5, "y", 2)
                .empty("rect", "width", 3.0).end("g").toString();

        assertThat(svg).isEqualTo("<g class=\"a&amp;b\">\n<text x=\"1.5\" y=\"2\">&lt;x&gt;</text>\n"
                + "<rect width=\"3\"/>\n</g>\n");
    }
}
