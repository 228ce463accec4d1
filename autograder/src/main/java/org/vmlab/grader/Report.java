package org.vmlab.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** One way of presenting a {@link GradingReport}. Every report is text, written whole. */
public sealed interface Report
        permits ConsoleReport, GradescopeReport, PrairieLearnReport, JunitXmlReport, MarkdownReport,
        HtmlReport {

    /** The report as text. */
    String render(GradingReport report);

    /** Writes the report to {@code file} (UTF-8), creating its directory if needed. */
    default void write(GradingReport report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(report), StandardCharsets.UTF_8);
    }
}
