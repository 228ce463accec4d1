package org.vmlab.vmm.overcommit;

import java.util.Arrays;
import org.vmlab.vmm.CopyOnWrite;
import org.vmlab.vmm.MachineFrames;
import org.vmlab.vmm.P2mEntry;

/**
 * Page-sharing rules for the tests of the scanner's mechanism (the round robin, the rate, the
 * table, the full comparison, the counters), not a reference for Lab 7: a 32-bit hash of the
 * words (weak on purpose: the scanner must not trust it), and the plain copy-on-write break.
 */
public final class MechanismRules implements SharingRules {
    @Override
    public boolean candidate(P2mEntry p2mEntry) {
        return p2mEntry instanceof P2mEntry.Ram;
    }

    @Override
    public long hash(int[] pageWords) {
        return Arrays.hashCode(pageWords);
    }

    @Override
    public Step onHashed(Found inTable) {
        return switch (inTable) {
            case A_HINT, A_SHARED_PAGE -> Step.SHARE_IF_IDENTICAL;
            case THIS_PAGE -> Step.LEAVE;
            case NOTHING, A_PAGE_GONE -> Step.REMEMBER_AS_HINT;
        };
    }

    @Override
    public int privateFrame(MachineFrames frames, int frame, String who) {
        return CopyOnWrite.ALWAYS_COPY.privateFrame(frames, frame, who);
    }
}
