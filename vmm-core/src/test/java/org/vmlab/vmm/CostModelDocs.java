package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docs/cost-model.md}'s table of events, read from the page, for the modules that declare
 * events to check theirs against it: every event has a row with its default cost and its source.
 * Published in vmm-core's test jar.
 */
public final class CostModelDocs {
    /** A row: the cost and the source the page gives. */
    public record Row(int cycles, String source) {
    }

    private CostModelDocs() {
    }

    /** The page's rows by event name; tests run in their module's folder, so the page is at {@code ../docs}. */
    public static Map<String, Row> rows() {
        String page;
        try {
            page = Files.readString(Path.of("..", "docs", "cost-model.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Pattern row = Pattern.compile("^\\| `([A-Z_]+)` \\|[^|]*\\| ([0-9,]+) \\| ([^|]+) \\|$", Pattern.MULTILINE);
        Map<String, Row> rows = new HashMap<>();
        Matcher m = row.matcher(page);
        while (m.find()) {
            rows.put(m.group(1), new Row(Integer.parseInt(m.group(2).replace(",", "")), m.group(3).trim()));
        }
        return rows;
    }

    /** Fails unless the page lists every one of {@code events} with its default cost and a source. */
    public static void assertDocumented(List<? extends VmmEvent> events) {
        Map<String, Row> rows = rows();
        for (VmmEvent event : events) {
            assertThat(rows).as("docs/cost-model.md has a row for %s", event.name()).containsKey(event.name());
            Row row = rows.get(event.name());
            assertThat(row.cycles()).as("docs/cost-model.md's cost of %s", event.name())
                    .isEqualTo(event.defaultCycles());
            assertThat(row.source()).as("docs/cost-model.md's source of %s", event.name())
                    .matches("(Adams and Agesen|estimate).*");
            assertThat(event.source()).as("%s's own source", event.name())
                    .matches("(Adams and Agesen|estimate).*");
        }
    }
}
