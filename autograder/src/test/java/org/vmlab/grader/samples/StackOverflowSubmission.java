package org.vmlab.grader.samples;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;

/** A test that recurses without end, between two tests that pass. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class StackOverflowSubmission {

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
        recurse(0);
    }

    @Test
    @Order(3)
    @Graded(points = 2, number = "3", name = "after")
    void after() {
    }

    static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    static List<byte[]> hoard() {
        List<byte[]> hoard = new ArrayList<>();
        while (true) {
            hoard.add(new byte[1 << 20]);
        }
    }
}
