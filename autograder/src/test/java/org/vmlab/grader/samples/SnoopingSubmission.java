package org.vmlab.grader.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks around its working directory for something to copy (the reference solutions, the graded
 * tests' sources) and fails with what it found.
 */
public class SnoopingSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        List<String> entries;
        try (Stream<Path> list = Files.list(here)) {
            entries = list.map(p -> p.getFileName().toString()).toList();
        }
        List<String> near = Stream.of("solutions", "../solutions", "../../solutions", "labs/src/test")
                .filter(p -> Files.exists(here.resolve(p))).toList();
        throw new AssertionError("snooped: the working directory holds " + entries
                + "; near it: " + near);
    }
}
