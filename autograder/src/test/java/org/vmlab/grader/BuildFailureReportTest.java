package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A submission that does not compile still gets a valid results.json: 0 points, and why. */
class BuildFailureReportTest {

    /** What `mvnw -q package` prints when a lab class does not compile. */
    static final String LOG = """
            [ERROR] COMPILATION ERROR :\s
            [ERROR] /tmp/grading.x1/labs/src/main/java/org/vmlab/labs/lab0/Classifier.java:[40,16] cannot find symbol
              symbol:   variable privilegd
              location: class org.vmlab.labs.lab0.Classifier
            [ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.14.1:compile (default-compile) on project labs: Compilation failure
            [ERROR] /tmp/grading.x1/labs/src/main/java/org/vmlab/labs/lab0/Classifier.java:[40,16] cannot find symbol
            [ERROR]   symbol:   variable privilegd
            [ERROR]   location: class org.vmlab.labs.lab0.Classifier
            [ERROR] -> [Help 1]
            [ERROR]\s
            [ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.
            """;

    @Test
    void theOutputIsTheCompilersMessagesWithPathsAsTheStudentKnowsThem() throws Exception {
        JsonNode json = new ObjectMapper().readTree(BuildFailureReport.render(LOG, "/tmp/grading.x1/"));

        assertThat(GradescopeFormat.problems(json)).isEmpty();
        assertThat(json.get("score").asDouble()).isZero();
        assertThat(json.get("output").asText()).isEqualTo("""
                Your code did not compile, so no test could run: 0 points.
                Fix these errors (./mvnw -q -DskipTests package shows them too):

                labs/src/main/java/org/vmlab/labs/lab0/Classifier.java:[40,16] cannot find symbol
                  symbol:   variable privilegd
                  location: class org.vmlab.labs.lab0.Classifier
                """);
    }

    @Test
    void aBuildThatFailedOtherwiseShowsItsErrorLines() {
        assertThat(BuildFailureReport.diagnostics("[INFO] x\n[ERROR] Could not resolve dependencies\n"))
                .containsExactly("Could not resolve dependencies");
    }
}
