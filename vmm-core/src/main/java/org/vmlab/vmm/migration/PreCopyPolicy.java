package org.vmlab.vmm.migration;

/**
 * The decisions of pre-copy: after each round, another round or the stop-and-copy, which stops
 * the VM and sends what is left (its downtime); and which of the dirty pages the next round sends.
 * Clark et al.'s rules are Lab 7's to write ({@code org.vmlab.labs.lab7.PreCopyRules}, registered
 * as a service, which the command line asks for); a policy sees only plain
 * numbers and sets of guest frames, never the VM. Whatever it decides, nothing is lost: a dirty
 * page it holds back is sent in a later round or, at the latest, in the stop-and-copy.
 */
@FunctionalInterface
public interface PreCopyPolicy {

    /**
     * A round just ended.
     *
     * @param number        its number, from 1 (round 1 sent every page the guest had)
     * @param pagesSent     pages it sent
     * @param dirtyPages    pages the next round, or the stop-and-copy, must send: those the guest
     *                      (or the VMM, or a device) dirtied while this round was sent, and those
     *                      the policy held back before
     * @param cycles        how long it lasted, in simulated cycles (its pages' time on the link,
     *                      to the end of the slice in which they arrived)
     * @param cyclesPerPage the link's cycles to send one page ({@link Link#cyclesPerPage})
     * @param totalSent     pages sent so far, this round's included
     * @param guestPages    the guest's memory, in pages
     */
    record Round(int number, int pagesSent, int dirtyPages, long cycles, long cyclesPerPage, long totalSent,
            int guestPages) {
    }

    /**
     * What to do next, and why (for the report).
     *
     * @param stopAndCopy true to stop pre-copying and stop and copy; false for another round
     * @param converged   with {@code stopAndCopy}: true if what is left is small (pre-copy did its
     *                    work), false if pre-copy gave up on a guest that dirties too fast
     * @param why         why, in words
     */
    record Decision(boolean stopAndCopy, boolean converged, String why) {
        /** Another round, of the pages dirtied during this one. */
        public static Decision anotherRound() {
            return new Decision(false, false, "another round");
        }

        /** Stop and copy, because what is left is small enough. */
        public static Decision converged(String why) {
            return new Decision(true, true, why);
        }

        /** Stop and copy, because more rounds would not make what is left small. */
        public static Decision notConverging(String why) {
            return new Decision(true, false, why);
        }
    }

    /** After {@code round}: another round, or the stop-and-copy. */
    Decision afterRound(Round round);

    /**
     * The pages round {@code round} sends, of the guest frames {@code dirty} (a copy, which the
     * policy may change and return): all of them by default, as Clark et al. send every page
     * dirtied in the round before. A page left out is held back, owed: in the next round's
     * {@code dirty} again, and in the stop-and-copy at the latest (a policy that holds back the
     * pages it expects to be dirtied again saves link time; Clark et al. skip pages dirtied again
     * during the round, §5.3). Pages that are not in {@code dirty} are not sent.
     */
    default java.util.BitSet pagesToSend(int round, java.util.BitSet dirty) {
        return dirty;
    }
}
