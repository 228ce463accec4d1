package org.vmlab.grader.samples;

import java.nio.charset.StandardCharsets;

/** A test that prints 50 MB and then fails, between two tests that pass. */
public class HugeOutputSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        byte[] line = ("x".repeat(1023) + "\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 50 * 1024; i++) {
            System.out.write(line, 0, line.length);
        }
        throw new AssertionError("the guest printed 50 MB instead of halting");
    }
}
