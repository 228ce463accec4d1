package org.vmlab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.vmlab.cli.chart.BarChart;
import picocli.CommandLine.Option;

/**
 * What a measuring command ({@code demo}, {@code experiment nanobench}) writes besides its table:
 * the table's data as JSON ({@code --json}), a chart of it as SVG ({@code --svg}), and progress
 * on standard error (unless {@code --quiet}).
 */
final class ResultOptions {
    /** The place name that means standard output. */
    static final String STANDARD_OUTPUT = "-";

    /** Two-space indents and {@code \n} on every system: the same data is the same bytes. */
    private static final ObjectWriter JSON = JsonMapper.builder().build().writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the table's data as JSON to FILE (- for standard output, instead of"
                    + " the table); docs/cost-model.md describes its fields.")
    String json;

    @Option(names = "--svg", paramLabel = "FILE",
            description = "Also draw the table as a bar chart in FILE, an SVG image that any browser"
                    + " opens (- for standard output, instead of the table).")
    String svg;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on standard error.")
    boolean quiet;

    /**
     * Refuses places that cannot take the files, before anything is measured (a mistyped path
     * must not cost a long run).
     */
    void check() {
        if (STANDARD_OUTPUT.equals(json) && STANDARD_OUTPUT.equals(svg)) {
            throw new UserError("--json - and --svg - cannot both take standard output: give one of them a file");
        }
        Path jsonFile = json == null || json.equals(STANDARD_OUTPUT) ? null : OutputPlace.checkResultFile("--json", json);
        Path svgFile = svg == null || svg.equals(STANDARD_OUTPUT) ? null : OutputPlace.checkResultFile("--svg", svg);
        if (jsonFile != null && jsonFile.equals(svgFile)) {
            throw new UserError("--json and --svg name the same file, " + json + ": give each a file of its own");
        }
    }

    /** True if {@code --svg} was given. */
    boolean chartWanted() {
        return svg != null;
    }

    /**
     * Where the command prints its table: {@code out}, or nowhere when the JSON or the chart goes
     * to standard output instead (where the table would spoil it).
     */
    PrintWriter table(PrintWriter out) {
        boolean taken = STANDARD_OUTPUT.equals(json) || STANDARD_OUTPUT.equals(svg);
        return taken ? new PrintWriter(Writer.nullWriter()) : out;
    }

    /** Progress on {@code err} for {@code command}'s {@code steps} steps. */
    Progress progress(PrintWriter err, String command, int steps) {
        return Progress.on(err, command, steps, quiet);
    }

    /**
     * Writes the files asked for: {@code data} as JSON, the chart (made only if asked for) as
     * SVG; {@code out} is standard output, for {@code -}.
     */
    void write(Object data, Supplier<BarChart> chart, PrintWriter out) {
        if (json != null) {
            try {
                write("--json", json, JSON.writeValueAsString(data) + "\n", out);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the data did not serialize", e);
            }
        }
        if (svg != null) {
            write("--svg", svg, chart.get().toSvg(), out);
        }
    }

    private static void write(String option, String place, String text, PrintWriter out) {
        if (place.equals(STANDARD_OUTPUT)) {
            out.print(text);
            out.flush();
            return;
        }
        try {
            Files.writeString(Path.of(place), text);
        } catch (IOException e) {
            throw new UserError(option + " " + place + ": cannot write it (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }
}
