package org.vmlab.vmm.migration;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.DirtyLog;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.SliceHook;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmState;

/**
 * Live migration by pre-copy [C. Clark et al., "Live Migration of Virtual Machines", NSDI 2005,
 * §3]: a VM on one host moves to a fresh VM of the same configuration and techniques on another,
 * while it runs, and goes on there exactly as it would have where it was.
 *
 * <ol>
 * <li>At guest instruction {@code startAt}, the memory technique's dirty log starts
 *     ({@link DirtyLog}), and round 1 sends every page the guest has.
 * <li>A round's pages take their time on the {@link Link}; the guest runs meanwhile (slices of its
 *     host's scheduler), and whatever it, the VMM or a device writes is logged. When they have
 *     arrived, the log is collected, and the {@link PreCopyPolicy} says: another round, of the
 *     pages dirtied during this one, or stop.
 * <li>Stop-and-copy: the VM is brought to a point where no event is in flight
 *     ({@link VirtualMachine#settle}), stopped, its state captured ({@link VirtualMachine#capture}),
 *     its last dirty pages and the state sent; the destination VM is restored from them, and the
 *     VM on the source stops ({@link StopReason#MIGRATED}). The downtime is that stop-and-copy.
 * </ol>
 *
 * <p>Each page is read from the source at the moment it is sent, right after the log was
 * collected: a write after that is in the log, and the page is sent again later. So the
 * destination's memory is the source's when the VM stops there, whatever the policy decides.
 *
 * <p>This is a {@link SliceHook} of the source's hypervisor: the rounds advance between its slices,
 * and end at the first slice boundary after their pages have arrived ({@link #migrate} registers
 * it and runs the source host). A guest that stops by itself during pre-copy is moved as it
 * stopped.
 */
public final class LiveMigration implements SliceHook {
    /** Instructions the VM may run to settle, one at a time, before its state is captured. */
    static final long SETTLE_INSTRUCTIONS = 10_000;

    private enum Phase { WAITING, PRE_COPY, STOPPING, DONE }

    private final VirtualMachine source;
    private final VirtualMachine destination;
    private final long startAt;
    private final PreCopyPolicy policy;
    private final Link link;
    private final DirtyLog log;
    private final List<MigrationReport.Round> rounds = new ArrayList<>();
    private Phase phase = Phase.WAITING;
    private long lastSeen;
    private int roundPages;
    private long roundStartCycles;
    private long roundStartInstructions;
    private long totalSent;
    private long startedAt;
    // The stop-and-copy waiting for the VM to settle: what it owes, and why it stops.
    private final BitSet owed = new BitSet();
    // Dirty pages the policy chose not to send in the round under way: sent later, at the latest
    // in the stop-and-copy.
    private final BitSet heldBack = new BitSet();
    private String stopWhy;
    private boolean stopConverged;
    private boolean stopGuestStopped;
    private MigrationReport report;

    /**
     * A migration of {@code source} to {@code destination} (made with the same {@code VmConfig} and
     * techniques on another hypervisor, not run yet), beginning at guest instruction {@code startAt}.
     *
     * @throws IllegalArgumentException if {@code startAt} is negative, the destination has run, or
     *         either VM cannot be migrated ({@link #whyNot})
     */
    public LiveMigration(VirtualMachine source, VirtualMachine destination, long startAt, PreCopyPolicy policy,
            Link link) {
        this.source = Objects.requireNonNull(source, "source");
        this.destination = Objects.requireNonNull(destination, "destination");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.link = Objects.requireNonNull(link, "link");
        if (startAt < 0) {
            throw new IllegalArgumentException("migration starts at a guest instruction, 0 or later, not " + startAt);
        }
        if (source == destination) {
            throw new IllegalArgumentException("a VM migrates to another VM, not to itself");
        }
        if (destination.vcpu().ticks() != 0) {
            throw new IllegalArgumentException("migrate to a VM that has not run yet, not to " + destination.name());
        }
        Optional<String> why = whyNot(source).or(() -> whyNot(destination));
        if (why.isPresent()) {
            throw new IllegalArgumentException(why.get());
        }
        this.startAt = startAt;
        this.log = source.memoryVirtualization().dirtyLog().orElseThrow();
    }

    /**
     * Why {@code vm} cannot migrate live, or empty if it can: its state cannot be captured (a
     * technique says why, {@link VirtualMachine#whyNotCapturable}), or its memory technique keeps
     * no dirty log.
     */
    public static Optional<String> whyNot(VirtualMachine vm) {
        Optional<String> why = vm.whyNotCapturable();
        if (why.isPresent()) {
            return why;
        }
        if (vm.memoryVirtualization().dirtyLog().isEmpty()) {
            return Optional.of(vm.name() + " cannot migrate live: its memory technique, "
                    + vm.memoryVirtualization().name() + ", keeps no dirty log of the guest's writes");
        }
        return Optional.empty();
    }

    /**
     * Runs {@code sourceHost} (every VM on it, until each stops) with a migration of {@code source}
     * to {@code destination} beginning at guest instruction {@code startAt}; the destination,
     * restored, is left to run on its own host.
     *
     * @return what the migration did
     * @throws IllegalArgumentException as {@link #LiveMigration} does
     */
    public static MigrationReport migrate(Hypervisor sourceHost, VirtualMachine source, VirtualMachine destination,
            long startAt, PreCopyPolicy policy, Link link) {
        if (!sourceHost.vms().contains(source)) {
            throw new IllegalArgumentException(source.name() + " does not run on the source hypervisor");
        }
        if (sourceHost.vms().contains(destination)) {
            throw new IllegalArgumentException("the destination must be a VM of another hypervisor: the source's"
                    + " would run it before it holds anything");
        }
        LiveMigration migration = new LiveMigration(source, destination, startAt, policy, link);
        sourceHost.betweenSlices(migration);
        sourceHost.run();
        return migration.report().orElseThrow();
    }

    /** The report, once the VM has moved. */
    public Optional<MigrationReport> report() {
        return Optional.ofNullable(report);
    }

    @Override
    public void afterSlice(VirtualMachine vm) {
        if (vm != source || phase == Phase.DONE) {
            return;
        }
        if (phase == Phase.WAITING) {
            long now = source.vcpu().instructions();
            long slice = now - lastSeen;
            lastSeen = now;
            if (!source.stopped() && now < startAt && startAt - now <= slice) {
                source.runSlice(startAt - now);   // to the very instruction, rather than the next slice's end
            }
            if (source.stopped()) {
                startedAt = source.vcpu().instructions();
                stopAndCopy(new BitSet(), "the guest stopped before pre-copy began", false, true);
            } else if (source.vcpu().instructions() >= startAt) {
                startedAt = source.vcpu().instructions();
                log.start();
                BitSet everything = new BitSet();
                GuestPhysicalMemory memory = source.memory();
                for (int gfn = 0; gfn < memory.frames(); gfn++) {
                    if (!(memory.entry(gfn) instanceof P2mEntry.Absent)) {
                        everything.set(gfn);
                    }
                }
                beginRound(everything);
            }
            return;
        }
        if (phase == Phase.STOPPING) {
            stopAndCopy(new BitSet(), stopWhy, stopConverged, stopGuestStopped);
            return;
        }
        if (!source.stopped() && source.cycles() - roundStartCycles < link.cyclesFor(roundPages)) {
            return;   // the round's pages are still on the link
        }
        BitSet dirty = log.collectAndClear();
        MigrationReport.Round round = new MigrationReport.Round(rounds.size() + 1, roundPages, dirty.cardinality(),
                source.cycles() - roundStartCycles, source.vcpu().instructions() - roundStartInstructions);
        rounds.add(round);
        dirty.or(heldBack);   // what the policy held back is owed as much as what was dirtied
        heldBack.clear();
        if (source.stopped()) {
            stopAndCopy(dirty, "the guest stopped during round " + round.number(), false, true);
            return;
        }
        PreCopyPolicy.Decision decision = policy.afterRound(new PreCopyPolicy.Round(round.number(), round.pagesSent(),
                dirty.cardinality(), round.cycles(), link.cyclesPerPage(), totalSent, source.memory().frames()));
        if (decision.stopAndCopy()) {
            stopAndCopy(dirty, decision.why(), decision.converged(), false);
            return;
        }
        BitSet chosen = policy.pagesToSend(round.number() + 1, (BitSet) dirty.clone());
        chosen.and(dirty);   // only pages that are owed: a page sent that is not dirty is wasted link time
        heldBack.or(dirty);
        heldBack.andNot(chosen);
        beginRound(chosen);
    }

    private void beginRound(BitSet pages) {
        roundPages = send(pages);
        totalSent += roundPages;
        roundStartCycles = source.cycles();
        roundStartInstructions = source.vcpu().instructions();
        phase = Phase.PRE_COPY;
    }

    /**
     * Stops the VM where no event is in flight, and moves it: {@code dirty} and whatever it dirtied
     * while settling, then its state. A VM that does not settle within {@link #SETTLE_INSTRUCTIONS}
     * runs on (logged) until the next slice's end, and the stop-and-copy is tried again then.
     */
    private void stopAndCopy(BitSet dirty, String why, boolean converged, boolean guestStopped) {
        dirty.or(owed);
        dirty.or(heldBack);
        owed.clear();
        heldBack.clear();
        if (!source.stopped() && !source.settle(SETTLE_INSTRUCTIONS)) {
            // An event still in flight: the guest runs on, its pages logged, and the stop-and-copy
            // is tried again after the next slice.
            owed.or(dirty);
            stopWhy = why;
            stopConverged = converged;
            stopGuestStopped = guestStopped;
            phase = Phase.STOPPING;
            return;
        }
        phase = Phase.DONE;
        if (source.memory().dirtyLogging()) {
            dirty.or(log.collectAndClear());
            log.stop();
        }
        if (rounds.isEmpty()) {
            // Nothing was pre-copied: the stop-and-copy moves every page.
            GuestPhysicalMemory memory = source.memory();
            for (int gfn = 0; gfn < memory.frames(); gfn++) {
                if (!(memory.entry(gfn) instanceof P2mEntry.Absent)) {
                    dirty.set(gfn);
                }
            }
        }
        boolean loaded = source.vcpu().loaded();
        if (loaded) {
            source.switchOut();
        }
        VmState state = source.capture();
        int pages = send(dirty);
        destination.restore(state);
        destination.useSymbols(source.symbols());
        if (loaded) {
            source.switchIn();
        }
        long stoppedAt = state.vcpu().instructions();
        source.vcpu().stop(StopReason.MIGRATED, "moved to " + destination.name() + " at instruction " + stoppedAt);
        long stateCycles = link.cyclesPerPage();   // estimate: the vCPU and the board's registers fit in a page
        report = new MigrationReport(source.name(), destination.name(), startedAt, rounds, why,
                converged, guestStopped, pages, stateCycles, link.cyclesFor(pages) + stateCycles, stoppedAt, link.cyclesPerPage());
    }

    /**
     * Sends {@code pages} as they are now: each page's bytes put in the destination's frame; a page
     * the guest ballooned out is ballooned out there too (nothing to send). Returns the pages sent.
     */
    private int send(BitSet pages) {
        GuestPhysicalMemory from = source.memory();
        GuestPhysicalMemory to = destination.memory();
        int sent = 0;
        for (int gfn = pages.nextSetBit(0); gfn >= 0; gfn = pages.nextSetBit(gfn + 1)) {
            P2mEntry entry = from.entry(gfn);
            if (entry instanceof P2mEntry.Backed) {
                to.restorePage(gfn, from.pageContents(gfn));
                sent++;
            } else if (entry instanceof P2mEntry.Ballooned) {
                if (!to.isBallooned(gfn)) {
                    to.balloon(gfn);
                }
            } else if (to.isBallooned(gfn)) {
                to.unballoon(gfn);
            } else if (to.entry(gfn) instanceof P2mEntry.Backed) {
                to.restorePage(gfn, new byte[PhysicalMemory.PAGE_SIZE]);   // it reads as zeros there too
                sent++;
            }
        }
        return sent;
    }
}
