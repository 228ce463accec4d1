package org.vmlab.vmm.overcommit;

import org.vmlab.vmm.CopyOnWrite;
import org.vmlab.vmm.P2mEntry;

/**
 * The decisions of content-based page sharing [C. A. Waldspurger, "Memory Resource Management in
 * VMware ESX Server", OSDI 2002, section 4], which the {@link PageSharingScanner} and the p2m ask
 * of: which guest frames are worth hashing, the hash of a page's contents, what to do with a page
 * given what the table of hashes holds under its hash, and how a write to a shared frame gets a
 * frame of its own (the copy-on-write break). The mechanism (visiting frames round robin at the
 * scan rate, the table, the full comparison before two pages share a frame, the p2m's entries)
 * is the VMM's.
 */
public interface SharingRules extends CopyOnWrite {

    /**
     * True if the scanner should hash a guest frame whose p2m entry is {@code entry}: one that a
     * share could save a machine frame with.
     */
    boolean candidate(P2mEntry entry);

    /**
     * A hash of a page's contents, its 1024 little-endian words in order. Equal contents must give
     * equal hashes; contents that differ should, almost always, give different ones, wherever they
     * differ (a match is only a hint: the scanner compares every byte before it shares).
     */
    long hash(int[] words);

    /** What the table of hashes holds under the hash of the page just hashed. */
    enum Found {
        /** Nothing: no page hashed so far had these contents' hash. */
        NOTHING,
        /** This very page, hashed on an earlier pass. */
        THIS_PAGE,
        /** A page that is gone since: its VM went, or it was ballooned out or never backed again. */
        A_PAGE_GONE,
        /** A hint: another page, hashed before and not shared yet (it may have changed since). */
        A_HINT,
        /** A page whose machine frame is shared already. */
        A_SHARED_PAGE
    }

    /** What the scanner does with the page just hashed. */
    enum Step {
        /** Keep it in the table under its hash, as a hint, in place of whatever is there. */
        REMEMBER_AS_HINT,
        /**
         * Compare it in full with the table's page and, if every byte is the same, map both to one
         * machine frame, read-only; if they differ after all, the page takes the table's place.
         */
        SHARE_IF_IDENTICAL,
        /** Nothing. */
        LEAVE
    }

    /** What to do with a page just hashed, given what the table holds under its hash. */
    Step onHashed(Found found);
}
