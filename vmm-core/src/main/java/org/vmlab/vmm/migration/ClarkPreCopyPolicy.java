package org.vmlab.vmm.migration;

/**
 * Clark et al.'s rules for ending pre-copy ("Live Migration of Virtual Machines", NSDI 2005): stop
 * and copy when what is left is small, when another round would not make it smaller (the guest
 * dirties pages as fast as the link sends them: its writable working set, §4, outruns the link,
 * §5.2), or when a bound is reached, so that a guest that never converges is still moved:
 *
 * <ol>
 * <li><b>small enough</b>: at most {@link #smallEnough()} pages dirty (Clark et al. §5.2 stop when
 *     less than 256 KiB remains: 64 pages);
 * <li><b>not shrinking</b>: the round's dirty pages are at least as many as it sent: the guest
 *     dirtied pages at least as fast as the link sent them (§5.2: the dirtying rate exceeds the
 *     link's);
 * <li><b>round limit</b>: {@link #maxRounds()} rounds (Xen's save tool of the time bounded them
 *     at 30);
 * <li><b>too much sent</b>: more than {@link #maxFactor()} times the guest's memory sent in all
 *     (Xen's save tool: 3 times).
 * </ol>
 *
 * @param maxRounds   rounds at most, at least 1
 * @param smallEnough a dirty set this small is sent in the stop-and-copy
 * @param maxFactor   pages sent at most, in multiples of the guest's memory
 * @param stopWhenNotShrinking whether rule 2 applies (a lab, or a test of the round limit, may turn it off)
 */
public record ClarkPreCopyPolicy(int maxRounds, int smallEnough, int maxFactor, boolean stopWhenNotShrinking)
        implements PreCopyPolicy {
    /** Clark et al.'s and Xen's figures: 30 rounds, 64 pages (256 KiB), 3 times the memory, rate rule on. */
    public static final ClarkPreCopyPolicy DEFAULT = new ClarkPreCopyPolicy(30, 64, 3, true);

    public ClarkPreCopyPolicy {
        if (maxRounds < 1 || smallEnough < 0 || maxFactor < 1) {
            throw new IllegalArgumentException(String.format("a pre-copy policy needs at least one round, a"
                    + " dirty set of 0 pages or more and a factor of at least 1, not %d, %d, %d", maxRounds,
                    smallEnough, maxFactor));
        }
    }

    /** Only the round limit and the small dirty set: rule 2 off. */
    public static ClarkPreCopyPolicy roundLimit(int maxRounds) {
        return new ClarkPreCopyPolicy(maxRounds, DEFAULT.smallEnough, Integer.MAX_VALUE / 2, false);
    }

    @Override
    public Decision afterRound(Round round) {
        if (round.dirtyPages() <= smallEnough) {
            return Decision.converged(String.format("%d dirty pages, at most %d", round.dirtyPages(),
                    smallEnough));
        }
        if (stopWhenNotShrinking && round.dirtyPages() >= round.pagesSent()) {
            return Decision.notConverging(String.format("%d pages dirtied while %d were sent (the"
                    + " guest dirties pages as fast as the link sends them)", round.dirtyPages(), round.pagesSent()));
        }
        if (round.number() >= maxRounds) {
            return Decision.notConverging(String.format("round limit, %d rounds", maxRounds));
        }
        if (round.totalSent() > (long) maxFactor * round.guestPages()) {
            return Decision.notConverging(String.format("%d pages sent, more than %d times the"
                    + " guest's %d", round.totalSent(), maxFactor, round.guestPages()));
        }
        return Decision.anotherRound();
    }
}
