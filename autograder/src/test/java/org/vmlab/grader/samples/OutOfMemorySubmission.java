package org.vmlab.grader.samples;

import java.util.ArrayList;
import java.util.List;

/** A test that allocates until the heap is gone, between two tests that pass. */
public class OutOfMemorySubmission extends BetweenTwoPassingTests {

    @Override
    void misbehave() {
        List<byte[]> hoard = new ArrayList<>();
        while (true) {
            hoard.add(new byte[1 << 20]);
        }
    }
}
