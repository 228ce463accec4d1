package org.vmlab.vmm.overcommit;

import org.vmlab.vmm.CopyOnWrite;
import org.vmlab.vmm.MachineFrames;
import org.vmlab.vmm.P2mEntry;

/**
 * ESX's rules [Waldspurger, OSDI 2002, section 4.2]: hash every private frame; a page whose hash
 * is new (or whose table entry is gone) becomes a hint; a match with a hint or a shared page is
 * compared in full and shared; the standard copy-on-write break. The hash is 64-bit FNV-1a.
 */
final class StandardSharing implements SharingRules {
    static final StandardSharing INSTANCE = new StandardSharing();

    private StandardSharing() {
    }

    @Override
    public boolean candidate(P2mEntry entry) {
        return entry instanceof P2mEntry.Ram;
    }

    /**
     * The 64-bit FNV-1a hash of the page's 4096 bytes (Fowler, Noll and Vo; the offset basis and
     * prime are the published 64-bit ones). ESX used a fast 64-bit non-cryptographic hash too
     * (Jenkins'); FNV-1a is as standard and a few lines. A collision, even one a hostile guest
     * crafts, costs only a full comparison that fails: sharing never rests on the hash alone.
     */
    @Override
    public long hash(int[] words) {
        long hash = 0xcbf29ce484222325L;
        for (int word : words) {
            for (int b = 0; b < 4; b++) {
                hash ^= (word >>> (8 * b)) & 0xFF;
                hash *= 0x100000001b3L;
            }
        }
        return hash;
    }

    @Override
    public Step onHashed(Found found) {
        switch (found) {
            case A_HINT:
            case A_SHARED_PAGE:
                return Step.SHARE_IF_IDENTICAL;
            case THIS_PAGE:
                return Step.LEAVE;
            default:
                return Step.REMEMBER_AS_HINT;
        }
    }

    @Override
    public int privateFrame(MachineFrames frames, int sharedFrame, String writer) {
        return CopyOnWrite.STANDARD.privateFrame(frames, sharedFrame, writer);
    }
}
