package org.vmlab.grader.samples;

/** A test that prints without end, between two tests that pass. */
public class EndlessOutputSubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        while (true) {
            System.out.println("tick: the guest is still running, pc=0x00400010");
        }
    }
}
