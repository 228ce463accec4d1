package org.vmlab.labs.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.Grader;
import org.vmlab.grader.GradingReport;
import org.vmlab.grader.GradingRequest;
import org.vmlab.grader.Limits;
import org.vmlab.grader.TestResult;
import org.vmlab.grader.TestStatus;

/**
 * No free points: every graded test of every lab, run by the grader against the untouched stubs,
 * fails and scores nothing. (The instructors' repository checks the other half: they all pass on
 * the reference.) It grades the labs' test classes that are here, hidden ones too where they are.
 */
class NoFreePointsTest {

    @Test
    void everyGradedTestScoresZeroOnTheStubs() throws IOException {
        Limits limits = new Limits(256, Duration.ofSeconds(60), 10 * 1024,
                List.of("-XX:TieredStopAtLevel=1"));
        GradingRequest request = new GradingRequest(List.of(), List.of("org.vmlab.labs"),
                testClasspath(), limits);
        GradingReport report = new Grader(Path.of("target", "no-free-points").toAbsolutePath()).grade(request);

        assertThat(report.results()).as("graded tests found in labs/src/test; grader notes: %s", report.notes()).isNotEmpty();
        assertThat(report.results()).extracting(r -> labOf(r.test().className()))
                .as("every lab has graded tests that the grader found").containsAll(labs());
        for (TestResult r : report.results()) {
            assertThat(r.status())
                    .as("%s passes on the stubs (free points): %s", r.test().label(), r.reason())
                    .isEqualTo(TestStatus.FAILED);
            assertThat(r.score())
                    .as("%s scores on the stubs (free points, by checkpoints?)", r.test().label())
                    .isZero();
            assertThat(r.reason())
                    .as("%s should fail because of a stub's TODO", r.test().label())
                    .contains("TODO(lab");
        }
    }

    /** The labs: the folders labN of the graded tests (Surefire runs in the module's folder). */
    static Set<String> labs() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("src/test/java/org/vmlab/labs"))) {
            return dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("lab\\d+"))
                    .collect(Collectors.toSet());
        }
    }

    /** {@code lab0} for {@code org.vmlab.labs.lab0.Lab0Test}. */
    static String labOf(String className) {
        String[] parts = className.split("\\.");
        return parts.length > 3 ? parts[3] : className;
    }

    /** This JVM's classpath without Surefire's own jars, which have no business in the grader's. */
    static String testClasspath() {
        return java.util.Arrays.stream(GradingRequest.currentClasspath().split(java.io.File.pathSeparator))
                .filter(e -> !e.replace('\\', '/').contains("/org/apache/maven/surefire/"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }
}
