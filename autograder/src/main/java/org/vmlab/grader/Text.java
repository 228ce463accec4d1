package org.vmlab.grader;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small text helpers shared by the reports: making student text harmless, one-line shortening,
 * escaping for HTML and Markdown, and the words every report uses for statuses, visibility, run
 * details and a failed grading.
 */
final class Text {

    private Text() {
    }

    /**
     * {@code text} with every character that could act instead of being read written out as an
     * escape: carriage return as {@code \r}, the other control characters (C0, DEL, C1) as
     * {@code \}{@code u001b} and the like, and also unpaired surrogates and the non-characters
     * U+FFFE and U+FFFF, which no text format can hold. Newlines and tabs stay as they are, and so
     * does every other character, including those outside the Basic Multilingual Plane.
     *
     * <p>Reasons and output come from the student's code: a {@code \r} would let it overwrite the
     * line a terminal shows, ESC sequences would recolour or clear it, and a NUL makes XML
     * unreadable. Escaped, they show what the code printed and do nothing.
     */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            String escape = pair ? null : escape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else if (pair) {
                    out.append(c).append(text.charAt(i + 1));
                } else {
                    out.append(c);
                }
            }
            if (pair) {
                i++;
            }
        }
        return out == null ? text : out.toString();
    }

    /** The escape for {@code c} on its own, or null if it is harmless. */
    private static String escape(char c) {
        if (c == '\n' || c == '\t') {
            return null;
        }
        if (c == '\r') {
            return "\\r";
        }
        boolean control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
        if (control || Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
            return String.format(Locale.ROOT, "\\u%04x", (int) c);
        }
        return null;
    }

    /**
     * {@code text}, made printable, on one line, cut to {@code max} characters with an ellipsis
     * (never between the two halves of a surrogate pair).
     */
    static String oneLine(String text, int max) {
        String line = printable(text).replaceAll("\\s+", " ").strip();
        if (line.length() <= max) {
            return line;
        }
        int cut = Math.max(0, max - 1);
        if (cut > 0 && Character.isHighSurrogate(line.charAt(cut - 1))) {
            cut--;
        }
        return line.substring(0, cut) + "…";
    }

    /**
     * {@code text}, made printable and on one line as {@link #oneLine}, broken into lines of at
     * most {@code width} characters at spaces (a word longer than a line is cut), and at most
     * {@code maxLines} of them: when more would be needed, the last one ends with an ellipsis.
     */
    static List<String> wrap(String text, int width, int maxLines) {
        String rest = printable(text).replaceAll("\\s+", " ").strip();
        List<String> lines = new ArrayList<>();
        while (!rest.isEmpty() && lines.size() < maxLines) {
            if (rest.length() <= width) {
                lines.add(rest);
                rest = "";
                break;
            }
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= 0) {
                cut = width;
                if (Character.isHighSurrogate(rest.charAt(cut - 1))) {
                    cut--;
                }
            }
            lines.add(rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isEmpty()) {
            String last = lines.remove(lines.size() - 1);
            lines.add(oneLine(last + " " + rest, width));
        }
        return lines;
    }

    /** {@code text}, made printable, safe inside HTML element content and attribute values. */
    static String html(String text) {
        String printable = printable(text);
        StringBuilder out = new StringBuilder(printable.length());
        for (int i = 0; i < printable.length(); i++) {
            char c = printable.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code text} safe inside one cell of a Markdown table: printable, one line, escaped. */
    static String markdownCell(String text) {
        return oneLine(text, 200).replace("\\", "\\\\").replace("|", "\\|")
                .replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The status as reports spell it. */
    static String status(TestStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The status as a symbol followed by its word ("✅ passed"), for reports that add a symbol:
     * the word is always there, so the status never rests on a symbol's colour alone.
     */
    static String statusWithSymbol(TestStatus status) {
        String symbol = switch (status) {
            case PASSED -> "✅";
            case FAILED -> "❌";
            case SKIPPED -> "⏭️";
        };
        return symbol + " " + status(status);
    }

    /**
     * When a student sees the test, in words, for the reports that list every test: empty for
     * {@link Visibility#VISIBLE}, otherwise what a reader must know before showing the report to
     * a student.
     */
    static String visibility(Visibility visibility) {
        return switch (visibility) {
            case VISIBLE -> "";
            case AFTER_DUE_DATE -> "shown after the due date";
            case AFTER_PUBLISHED -> "shown once grades are published";
            case HIDDEN -> "hidden";
        };
    }

    /** The subtotal of some results: "2.5 / 6 points: 1 passed, 1 failed, 1 skipped". */
    static String subtotal(double score, double maxScore, long passed, long failed,
                           long skipped) {
        return Scores.format(score) + " / " + Scores.format(maxScore) + " points: " + passed
                + " passed, " + failed + " failed, " + skipped + " skipped";
    }

    /**
     * The run details as one line: the start in ISO form, UTC, to the second; then the
     * implementation and the commit, each when known
     * ("2025-01-31T09:15:02Z, implementation labs, commit 1a2b3c4").
     */
    static String runDetails(RunDetails details) {
        List<String> parts = new ArrayList<>();
        parts.add(utc(details.started()));
        if (!details.implementation().isEmpty()) {
            parts.add("implementation " + details.implementation());
        }
        if (!details.commit().isEmpty()) {
            parts.add("commit " + details.commit());
        }
        return printable(String.join(", ", parts));
    }

    /** {@code instant} in ISO form, UTC, to the second: "2025-01-31T09:15:02Z". */
    static String utc(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * What every report says when the grading itself failed, on one line: "The grading itself
     * failed: why. No score was given." The causes, one per line in the report, are joined with
     * "; ". Empty when the grading did not fail.
     */
    static String graderFailure(GradingReport report) {
        if (!report.failed()) {
            return "";
        }
        String why = String.join("; ", report.graderFailure().strip().lines()
                .map(String::strip).filter(l -> !l.isEmpty()).toList());
        return printable("The grading itself failed: " + why
                + (why.endsWith(".") ? "" : ".") + " No score was given.");
    }
}
