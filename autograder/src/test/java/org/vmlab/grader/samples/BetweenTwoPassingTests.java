package org.vmlab.grader.samples;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;

/**
 * The frame of every misbehaving sample: a passing test, the misbehaving one (worth 4 points,
 * 1 of them for the checkpoint it reaches first), and a passing test after it. A sample says only
 * how it misbehaves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class BetweenTwoPassingTests {

    @Test
    @Order(1)
    @Graded(points = 1, number = "1", name = "before")
    void before() {
    }

    @Test
    @Order(2)
    @Graded(points = 4, number = "2", name = "misbehaves")
    void misbehaves(Checkpoints checkpoints) throws Exception {
        checkpoints.reached("boots", 1);
        misbehave();
    }

    @Test
    @Order(3)
    @Graded(points = 2, number = "3", name = "after")
    void after() {
    }

    /** What the sample does wrong, once its first checkpoint is reached. */
    abstract void misbehave() throws Exception;
}
