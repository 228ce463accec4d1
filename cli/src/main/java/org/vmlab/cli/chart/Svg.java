package org.vmlab.cli.chart;

import java.util.Locale;

/**
 * Writes SVG text: elements with escaped text and attributes, coordinates in a fixed format, and
 * newlines that are {@code \n} on every system, so that the same chart is always the same bytes.
 */
final class Svg {
    private final StringBuilder text = new StringBuilder();

    /** Appends {@code <name attributes/>}; {@code attributes} alternate names and values. */
    Svg empty(String name, Object... attributes) {
        open(name, attributes);
        text.append("/>\n");
        return this;
    }

    /** Appends {@code <name attributes>content</name>}, the content escaped. */
    Svg element(String name, String content, Object... attributes) {
        open(name, attributes);
        text.append('>').append(escape(content)).append("</").append(name).append(">\n");
        return this;
    }

    /** Appends {@code <name attributes>} and a newline; close it with {@link #end}. */
    Svg start(String name, Object... attributes) {
        open(name, attributes);
        text.append(">\n");
        return this;
    }

    /** Appends {@code </name>}. */
    Svg end(String name) {
        text.append("</").append(name).append(">\n");
        return this;
    }

    /** Appends text that is already XML: the prolog. */
    Svg raw(String xml) {
        text.append(xml);
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    private void open(String name, Object... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name-value pairs");
        }
        text.append('<').append(name);
        for (int i = 0; i < attributes.length; i += 2) {
            Object value = attributes[i + 1];
            text.append(' ').append(attributes[i]).append("=\"")
                    .append(value instanceof Double d ? number(d) : escape(String.valueOf(value))).append('"');
        }
    }

    /**
     * A coordinate: at most one decimal, no trailing ".0", never an exponent or a locale's comma
     * (a tenth of a pixel is finer than any screen shows).
     */
    static String number(double value) {
        long tenths = Math.round(value * 10);
        String sign = tenths < 0 ? "-" : "";
        long abs = Math.abs(tenths);
        return abs % 10 == 0 ? sign + abs / 10 : String.format(Locale.ROOT, "%s%d.%d", sign, abs / 10, abs % 10);
    }

    /**
     * {@code text} escaped for XML content and attribute values; characters XML 1.0 does not
     * allow at all (most control characters, lone surrogates) become U+FFFD.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (allowed(c)) {
                        out.append(c);
                    } else {
                        out.append('\uFFFD');
                    }
                }
            }
        }
        return out.toString();
    }

    /** XML 1.0's Char production, for one UTF-16 unit that is not part of a surrogate pair. */
    private static boolean allowed(char c) {
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
    }
}
