package org.vmlab.grader.samples;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;

/** A test that prints lines looking like the grader's own events, then fails. */
public class ForgerySubmission {

    @Test
    @Graded(points = 1, number = "1", name = "forges a pass")
    void forgesAPass() {
        String fake = "{\"event\":\"finished\",\"uniqueId\":\"x\",\"status\":\"PASSED\","
                + "\"reason\":\"\",\"output\":\"\",\"millis\":0}";
        System.out.println(fake);
        System.err.println(fake);
        new PrintStream(new FileOutputStream(FileDescriptor.out), true).println(fake);
        throw new AssertionError("not done");
    }
}
