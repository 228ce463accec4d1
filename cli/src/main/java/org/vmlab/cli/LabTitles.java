package org.vmlab.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the reports name a grading run by: each lab's title, and the commit graded. */
final class LabTitles {
    private LabTitles() {
    }

    /**
     * Each lab's title, keyed by its tests' package: the first heading of its handout
     * ({@code labs/docs/lab1-trap-and-emulate.md}: "Lab 1: Trap and emulate").
     */
    static Map<String, String> of(Path root, List<String> labs) {
        Map<String, String> titles = new LinkedHashMap<>();
        Path docs = root.resolve("labs/docs");
        for (String lab : labs) {
            try (Stream<Path> files = Files.list(docs)) {
                files.filter(f -> f.getFileName().toString().startsWith(lab + "-"))
                        .findFirst().flatMap(LabTitles::firstHeading)
                        .ifPresent(title -> titles.put("org.vmlab.labs." + lab, title));
            } catch (IOException e) {
                // no handouts: the reports name the lab by its package
            }
        }
        return titles;
    }

    private static java.util.Optional<String> firstHeading(Path handout) {
        try (Stream<String> lines = Files.lines(handout, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.startsWith("# ")).findFirst().map(l -> l.substring(2).strip());
        } catch (IOException | java.io.UncheckedIOException e) {
            return java.util.Optional.empty();
        }
    }

    /** The commit checked out at {@code root} (short form), or empty outside a git checkout. */
    static String commit(Path root) {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD")
                    .directory(root.toFile()).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .strip();
            boolean ok = git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0;
            return ok && out.matches("[0-9a-f]{4,40}") ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
