package org.vmlab.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A JVM with the grader on its class path prints nothing when a library logs through SLF4J (as
 * ArchUnit in graded tests does): the grader brings slf4j-nop, so SLF4J finds a provider and does
 * not warn on standard error, where students would read it.
 */
class Slf4jSilenceTest {

    /** Logs through SLF4J, found by name so that this test needs no compile-time SLF4J. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            Object logger = Class.forName("org.slf4j.LoggerFactory")
                    .getMethod("getLogger", String.class).invoke(null, "probe");
            logger.getClass().getMethod("info", String.class).invoke(logger, "logged");
            System.out.println("done");
        }
    }

    @Test
    void loggingThroughSlf4jPrintsNoWarning() throws Exception {
        Process java = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName())
                .start();
        java.getOutputStream().close();
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(java.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor()).as(err).isZero();
        assertThat(out).isEqualTo("done\n");
        assertThat(err).isEmpty();
    }
}
