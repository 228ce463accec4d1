package org.vmlab.labs.lab7;

import java.util.BitSet;
import org.vmlab.vmm.migration.PreCopyPolicy;

/**
 * Lab 7, part C: the decisions of live migration by pre-copy (Clark et al., "Live Migration of
 * Virtual Machines", NSDI 2005, sections 3 and 5). The VMM copies the VM's memory to the other
 * host in rounds while the guest runs: round 1 every page, each later round the pages the guest
 * (or the VMM, or a device) dirtied while the round before was sent. After each round it asks you
 * whether to go on or to stop the VM and copy what is left (the stop-and-copy, whose length is the
 * downtime); before each round, which of the dirty pages to send.
 *
 * @param maxRounds            rounds at most (Xen's save tool of the time: 30)
 * @param smallEnough          a dirty set this small goes in the stop-and-copy (Clark et al.: 256
 *                             KiB, 64 pages)
 * @param maxFactor            pages sent at most, in multiples of the guest's memory (Xen: 3)
 * @param stopWhenNotShrinking whether a round that dirtied at least as many pages as it sent stops
 *                             pre-copy (the guest's writable working set outruns the link)
 */
public record PreCopyRules(int maxRounds, int smallEnough, int maxFactor, boolean stopWhenNotShrinking)
        implements PreCopyPolicy {

    /** Clark et al.'s and Xen's figures: 30 rounds, 64 pages, 3 times the memory, the rate rule on. */
    public PreCopyRules() {
        this(30, 64, 3, true);
    }

    public PreCopyRules {
        if (maxRounds < 1 || smallEnough < 0 || maxFactor < 1) {
            throw new IllegalArgumentException(String.format("pre-copy needs at least one round, a dirty set of"
                    + " 0 pages or more and a factor of at least 1, not %d, %d, %d", maxRounds, smallEnough,
                    maxFactor));
        }
    }

    /** Only the small-set rule and a limit of {@code maxRounds} rounds. */
    public static PreCopyRules roundLimit(int maxRounds) {
        return new PreCopyRules(maxRounds, 64, Integer.MAX_VALUE / 2, false);
    }

    @Override
    public Decision afterRound(Round round) {
        throw new UnsupportedOperationException("TODO(lab7): in this order: at most smallEnough dirty pages left, stop and copy (converged); with stopWhenNotShrinking, a round that dirtied at least as many pages as it sent will never get smaller, stop (not converging); after maxRounds rounds, or more than maxFactor times the guest's pages sent in all, stop (not converging); else another round. Say why in the decision");
    }

    @Override
    public BitSet pagesToSend(int round, BitSet dirty) {
        throw new UnsupportedOperationException("TODO(lab7): every page dirtied since it was last sent: all of dirty (a page held back is owed, and goes in the stop-and-copy at the latest, which lengthens the downtime)");
    }
}
