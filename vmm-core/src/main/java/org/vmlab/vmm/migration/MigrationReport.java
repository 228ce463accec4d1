package org.vmlab.vmm.migration;

import java.util.List;

/**
 * What a live migration did: each round of pre-copy, then the stop-and-copy, whose time is the
 * VM's downtime [Clark et al., NSDI 2005, §3: downtime is the stop-and-copy's].
 *
 * @param source          the VM that left
 * @param destination     the VM it became
 * @param startedAt       the guest instruction at which pre-copy began
 * @param rounds          the rounds of pre-copy, in order (none if the guest stopped before)
 * @param why             why pre-copy ended ({@link PreCopyPolicy.Decision#why}, or that the guest stopped)
 * @param converged       true if pre-copy ended because what was left was small
 * @param guestStopped    true if the guest stopped by itself (powered off) before pre-copy ended:
 *                        it was moved as it stopped
 * @param stopAndCopyPages pages sent while the VM was stopped
 * @param stateCycles     time to send the VM's state besides memory ({@link org.vmlab.vmm.VmState})
 * @param downtimeCycles  the stop-and-copy: its pages and the state on the link
 * @param stoppedAt       the guest instruction at which the VM stopped on the source
 * @param cyclesPerPage   the link's cycles per page
 */
public record MigrationReport(String source, String destination, long startedAt, List<Round> rounds, String why,
        boolean converged, boolean guestStopped, int stopAndCopyPages, long stateCycles, long downtimeCycles, long stoppedAt,
        long cyclesPerPage) {

    /**
     * One round of pre-copy.
     *
     * @param number     from 1
     * @param pagesSent  pages sent in it
     * @param dirtyPages pages dirtied while they were sent
     * @param cycles     how long it lasted (the guest ran meanwhile)
     * @param instructions guest instructions retired meanwhile
     */
    public record Round(int number, int pagesSent, int dirtyPages, long cycles, long instructions) {
    }

    public MigrationReport {
        rounds = List.copyOf(rounds);
    }

    /** Every page sent, in the rounds and in the stop-and-copy. */
    public long totalPages() {
        return rounds.stream().mapToLong(Round::pagesSent).sum() + stopAndCopyPages;
    }

    /** Pre-copy's time, while the guest ran. */
    public long preCopyCycles() {
        return rounds.stream().mapToLong(Round::cycles).sum();
    }

    /** The whole migration: pre-copy, then the downtime. */
    public long totalCycles() {
        return preCopyCycles() + downtimeCycles;
    }

    /** Downtime in microseconds, at vmlab's nominal 1 GHz (docs/cost-model.md). */
    public double downtimeMicroseconds() {
        return downtimeCycles / 1_000.0;
    }

    /** How pre-copy ended, in two words: converged, did not converge, or the guest stopped. */
    public String outcome() {
        return guestStopped ? "guest stopped" : converged ? "converged" : "did not converge";
    }

    /** The report in a few lines, as {@code vmlab run --migrate-at} prints it. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("migration:    %s to %s, pre-copy from instruction %,d, %,d cycles a page on the"
                + " link%n", source, destination.equals(source) ? "another host" : destination, startedAt,
                cyclesPerPage));
        for (Round r : rounds) {
            s.append(String.format("  round %2d:   %,6d pages sent, %,6d dirtied meanwhile, %,13d cycles, %,11d"
                    + " instructions%n", r.number(), r.pagesSent(), r.dirtyPages(), r.cycles(), r.instructions()));
        }
        s.append(String.format("pre-copy:     %d round%s, %s: %s%n", rounds.size(), rounds.size() == 1 ? "" : "s",
                outcome(), why));
        s.append(String.format("stop-copy:    %,d pages and the VM's state at instruction %,d%n", stopAndCopyPages,
                stoppedAt));
        s.append(String.format("total:        %,d pages sent, %,d cycles%n", totalPages(), totalCycles()));
        s.append(String.format("downtime:     %,d cycles (%.1f µs at 1 GHz)%n", downtimeCycles,
                downtimeMicroseconds()));
        return s.toString();
    }
}
