package org.vmlab.grader.samples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;

/** Passing and failing graded tests, prerequisites, checkpoints and visibility. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class WellBehavedSubmission {

    @Test
    @Order(1)
    @Tag("lab1")
    @Graded(points = 2, number = "1.1", name = "guest boots")
    void boots() {
        System.out.println("booting toyos");
        assertThat(1 + 1).isEqualTo(2);
    }

    @Test
    @Order(2)
    @Graded(points = 3, number = "1.2", name = "runs user code", after = "1.1")
    void runsUserCode() {
    }

    @Test
    @Order(3)
    @Graded(points = 2, number = "1.3", name = "popf traps")
    void popfTraps() {
        assertThat(1).as("guest diverged from bare metal at instruction 18,204, pc=0x00401a2c"
                + " `popf`: native IF=0, yours IF=1").isEqualTo(0);
    }

    @Test
    @Order(4)
    @Graded(points = 4, number = "1.4", name = "user mode is isolated", after = "1.3")
    void dependsOnAFailure() {
    }

    @Test
    @Order(5)
    @Graded(points = 1, number = "1.5", name = "chain after a skipped test", after = "1.4")
    void dependsOnASkip() {
    }

    @Test
    @Order(6)
    @Graded(points = 5, number = "1.6", name = "matches bare metal")
    void partialCredit(Checkpoints checkpoints) {
        checkpoints.reached("boots", 1);
        checkpoints.reached("runs user code", 1.5);
        throw new IllegalStateException("guest halted early at pc=0x00400010");
    }

    @Test
    @Order(7)
    @Graded(points = 3, number = "1.7", name = "all checkpoints and a pass")
    void fullCreditDespiteCheckpoints(Checkpoints checkpoints) {
        checkpoints.reached("boots", 1);
    }

    @Test
    @Order(8)
    @Graded(points = 2, number = "1.8", name = "hidden stress", visibility = Visibility.HIDDEN)
    void hidden() {
    }

    @Test
    @Order(9)
    @Graded(points = 1, number = "1.9", name = "after due date",
            visibility = Visibility.AFTER_DUE_DATE)
    void afterDueDate() {
    }

    @Test
    @Order(10)
    void notGraded() {
        throw new AssertionError("an ungraded test must not run");
    }
}
