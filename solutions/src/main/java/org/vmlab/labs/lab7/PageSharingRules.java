package org.vmlab.labs.lab7;

import org.vmlab.vmm.MachineFrames;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.overcommit.SharingRules;

/**
 * Lab 7, part A: content-based page sharing, as VMware ESX Server does it (Waldspurger, OSDI
 * 2002, section 4). The VMM's scanner visits every VM's guest frames, a few after each time
 * slice; for each one it asks you whether it is worth hashing, hashes its contents with your
 * hash, looks the hash up in its table and asks you what to do given what it found there. When
 * two pages share one read-only machine frame and someone writes one of them, the p2m asks you
 * for the writer's own frame: the copy-on-write break.
 */
public final class PageSharingRules implements SharingRules {

    @Override
    public boolean candidate(P2mEntry entry) {
        // BEGIN SOLUTION: only a frame of the VM's own (P2mEntry.Ram) can save a machine frame by sharing; a frame never touched costs nothing, a ballooned one has no frame, a shared one is shared already
        return entry instanceof P2mEntry.Ram;
        // END SOLUTION
    }

    @Override
    public long hash(int[] words) {
        // BEGIN SOLUTION: 64-bit FNV-1a over the page's 4096 bytes, each word's four bytes low byte first: start from the offset basis 0xcbf29ce484222325, and for each byte xor it in, then multiply by the prime 0x100000001b3
        long hash = 0xcbf29ce484222325L;
        for (int word : words) {
            for (int b = 0; b < 4; b++) {
                hash ^= (word >>> (8 * b)) & 0xFF;
                hash *= 0x100000001b3L;
            }
        }
        return hash;
        // END SOLUTION
    }

    @Override
    public Step onHashed(Found found) {
        // BEGIN SOLUTION: a match with a hint or with a shared page may be the same contents: compare in full and share; the page itself needs nothing; nothing there, or a page that is gone, makes this page the hint
        switch (found) {
            case A_HINT:
            case A_SHARED_PAGE:
                return Step.SHARE_IF_IDENTICAL;
            case THIS_PAGE:
                return Step.LEAVE;
            default:
                return Step.REMEMBER_AS_HINT;
        }
        // END SOLUTION
    }

    @Override
    public int privateFrame(MachineFrames frames, int sharedFrame, String writer) {
        // BEGIN SOLUTION: the last sharer (one reference left) takes the shared frame as it is: frames.makePrivate, no copy and no free frame needed; any other writer gets frames.copyOf the frame and gives up its reference with frames.release, or the frame is never freed
        if (frames.references(sharedFrame) == 1) {
            frames.makePrivate(sharedFrame, writer);
            return sharedFrame;
        }
        int copy = frames.copyOf(sharedFrame, writer);
        frames.release(sharedFrame);
        return copy;
        // END SOLUTION
    }
}
