package org.vmlab.labs.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.Grader;
import org.vmlab.grader.GradingReport;
import org.vmlab.grader.GradingRequest;
import org.vmlab.grader.Limits;
import org.vmlab.grader.TestResult;
import org.vmlab.grader.TestStatus;

/**
 * The reference solutions get every point through the grader itself, within the limits a
 * student's submission gets (Surefire also runs the graded tests directly).
 */
class AllPointsTest {

    @Test
    void everyGradedTestPassesOnTheSolutionsUnderTheGrader() {
        GradingRequest request = new GradingRequest(List.of(), List.of("org.vmlab.labs"),
                testClasspath(), Limits.DEFAULT);
        GradingReport report = new Grader(Path.of("target", "all-points").toAbsolutePath()).grade(request);

        assertThat(report.results()).extracting(r -> r.test().number())
                .contains("0.1", "0.2", "0.3", "0.4", "0.5", "0.6");
        for (TestResult r : report.results()) {
            assertThat(r.status()).as("%s on the solutions: %s", r.test().label(), r.reason())
                    .isEqualTo(TestStatus.PASSED);
        }
        assertThat(report.score()).isEqualTo(report.maxScore());
    }

    /** This JVM's classpath without Surefire's own jars, which have no business in the grader's. */
    static String testClasspath() {
        return java.util.Arrays.stream(GradingRequest.currentClasspath().split(java.io.File.pathSeparator))
                .filter(e -> !e.replace('\\', '/').contains("/org/apache/maven/surefire/"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }
}
