package org.vmlab.grader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The results.json of a submission that does not build: no test could run, so the score is 0,
 * and the output is what the compiler said, which is what the student needs to fix.
 *
 * <p>Gradescope's {@code run_autograder} calls {@link #main} when the build fails.
 */
public final class BuildFailureReport {

    /** The most lines of the build's messages that the report keeps. */
    static final int MAX_LINES = 60;

    private BuildFailureReport() {
    }

    /**
     * results.json for a build that failed with {@code buildLog}; {@code dropPrefix} (such as
     * the grading folder) is removed from paths, so that files read as the student names them.
     */
    public static String render(String buildLog, String dropPrefix) {
        List<String> shown = diagnostics(buildLog).stream()
                .map(l -> dropPrefix.isEmpty() ? l : l.replace(dropPrefix, ""))
                .limit(MAX_LINES).toList();
        String output = "Your code did not compile, so no test could run: 0 points.\n"
                + "Fix these errors (./mvnw -q -DskipTests package shows them too):\n\n"
                + String.join("\n", shown) + "\n";
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("score", 0);
        root.put("execution_time", 0);
        root.put("output", Text.printable(output));
        root.put("output_format", "text");
        root.put("test_output_format", "text");
        root.put("visibility", Visibility.VISIBLE.gradescopeName());
        root.put("stdout_visibility", Visibility.HIDDEN.gradescopeName());
        root.putArray("tests");
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The compiler's messages, which Maven lists after "Compilation failure" (with javac's
     * "symbol:" and "location:" lines) and before its advice ("-> [Help 1]"); all the log's
     * error lines if it failed otherwise (a missing dependency, say).
     */
    static List<String> diagnostics(String buildLog) {
        List<String> errors = buildLog.lines()
                .filter(l -> l.startsWith("[ERROR]"))
                .map(l -> l.substring("[ERROR]".length()).stripTrailing())
                .map(l -> l.startsWith(" ") ? l.substring(1) : l)
                .filter(l -> !l.isBlank())
                .toList();
        int failure = -1;
        for (int i = 0; i < errors.size() && failure < 0; i++) {
            if (errors.get(i).contains("Compilation failure")) {
                failure = i;
            }
        }
        if (failure < 0) {
            return errors.isEmpty() ? buildLog.lines().toList() : errors;
        }
        List<String> compiler = new ArrayList<>();
        for (String line : errors.subList(failure + 1, errors.size())) {
            if (line.startsWith("-> [Help")) {
                break;
            }
            compiler.add(line);
        }
        return compiler;
    }

    /** {@code BuildFailureReport <build log> <results.json to write> [<path prefix to drop>]}. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: BuildFailureReport <build log> <results.json> [<path prefix to drop>]");
            System.exit(2);
        }
        String log = new String(Files.readAllBytes(Path.of(args[0])), StandardCharsets.UTF_8);
        Files.writeString(Path.of(args[1]), render(log, args.length == 3 ? args[2] : ""));
    }
}
