package org.vmlab.labs.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.labs.LabSync;

/**
 * One source of truth: labs/src/main is exactly what LabSync writes from solutions/src/main.
 * (Surefire runs in the module's folder, so the repository root is "..".)
 */
class LabsInSyncTest {

    @Test
    void labsAreWhatSyncLabsWrites() {
        Path root = Path.of("..");
        assertThat(root.resolve("labs/pom.xml")).exists();
        assertThat(new LabSync(root).check())
                .as("labs/ differs from what sync-labs writes from solutions/; run "
                        + "java -cp autograder/target/classes org.vmlab.grader.labs.LabSync . "
                        + "and commit the stubs")
                .isEmpty();
    }
}
