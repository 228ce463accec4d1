package org.vmlab.labs.lab7;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;
import org.vmlab.guests.Dirtier;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.vmm.migration.Link;
import org.vmlab.vmm.migration.LiveMigration;
import org.vmlab.vmm.migration.MigrationReport;
import org.vmlab.vmm.migration.PreCopyPolicy.Decision;
import org.vmlab.vmm.migration.PreCopyPolicy.Round;

/**
 * Lab 7, part C, the visible graded tests: your pre-copy rules asked after rounds the test makes
 * up, then driving live migrations of toyos and of a guest that dirties memory faster than the
 * link sends it, under your Lab 1 and Lab 3; the moved VM must end exactly as on bare metal.
 */
class Lab7PreCopyTest {
    private static final long SLICE = 5_000;

    private final PreCopyRules rules = new PreCopyRules();

    /** A round: {@code sent} pages sent, {@code dirty} dirtied meanwhile, {@code totalSent} so far, of 4096. */
    private static Round round(int number, int sent, int dirty, long totalSent) {
        return new Round(number, sent, dirty, sent * 32_768L, 32_768, totalSent, 4096);
    }

    @Test
    @Graded(points = 2, number = "7.8", name = "pre-copy: a small dirty set is left for the stop-and-copy")
    void smallDirtySetConverges() {
        Decision d = rules.afterRound(round(1, 300, 64, 300));
        assertThat(d.stopAndCopy()).as("64 pages dirty after a round: small enough (Clark et al. stop under 256"
                + " KiB), but pre-copy goes on").isTrue();
        assertThat(d.converged()).as("stopping with 64 pages left is pre-copy that converged").isTrue();
        assertThat(rules.afterRound(round(1, 300, 0, 300)).converged()).isTrue();
        assertThat(rules.afterRound(round(1, 300, 65, 300)).stopAndCopy()).as("65 dirty pages, fewer than sent:"
                + " another round would make them fewer, but pre-copy stops").isFalse();
        assertThat(d.why()).as("say why").isNotBlank();
    }

    @Test
    @Graded(points = 2, number = "7.9", name = "pre-copy: a dirty set that no longer shrinks stops it, unconverged")
    void notShrinking() {
        Decision d = rules.afterRound(round(2, 128, 128, 429));
        assertThat(d.stopAndCopy()).as("128 pages dirtied while 128 were sent: the guest dirties as fast as the"
                + " link sends, more rounds will never get smaller, yet pre-copy goes on").isTrue();
        assertThat(d.converged()).as("stopping because the dirty set does not shrink is not convergence").isFalse();
        assertThat(rules.afterRound(round(2, 128, 127, 429)).stopAndCopy()).as("127 dirtied while 128 were"
                + " sent: still shrinking, but pre-copy stops").isFalse();
        assertThat(PreCopyRules.roundLimit(5).afterRound(round(2, 100, 200, 300)).stopAndCopy()).as("a policy"
                + " with the rate rule off (stopWhenNotShrinking false) stops on it").isFalse();
    }

    @Test
    @Graded(points = 2, number = "7.10", name = "pre-copy: the round limit and the bound on pages sent")
    void bounds() {
        assertThat(rules.afterRound(round(29, 200, 100, 3000)).stopAndCopy()).as("round 29 of 30 stops").isFalse();
        Decision thirtieth = rules.afterRound(round(30, 200, 100, 3000));
        assertThat(thirtieth.stopAndCopy()).as("the 30th round is the last (maxRounds), but pre-copy goes on")
                .isTrue();
        assertThat(thirtieth.converged()).isFalse();
        assertThat(rules.afterRound(round(5, 200, 100, 3 * 4096)).stopAndCopy()).as("exactly 3 times the memory"
                + " sent: not more than maxFactor times").isFalse();
        Decision tooMuch = rules.afterRound(round(5, 200, 100, 3 * 4096 + 1));
        assertThat(tooMuch.stopAndCopy()).as("more than 3 times the guest's memory sent (maxFactor), but"
                + " pre-copy goes on").isTrue();
        assertThat(tooMuch.converged()).isFalse();
        assertThat(PreCopyRules.roundLimit(5).afterRound(round(5, 100, 200, 500)).stopAndCopy())
                .as("roundLimit(5) after round 5").isTrue();
    }

    @Test
    @Graded(points = 1, number = "7.11", name = "pre-copy: each round sends every page dirtied since it was sent")
    void pagesToSend() {
        BitSet dirty = new BitSet();
        dirty.set(3);
        dirty.set(70);
        dirty.set(4095);
        BitSet expected = (BitSet) dirty.clone();
        assertThat(rules.pagesToSend(2, dirty)).as("pages held back are owed: they go in the stop-and-copy and"
                + " lengthen the downtime").isEqualTo(expected);
    }

    @Test
    @Graded(points = 4, number = "7.12", name = "toyos moved live mid-run: converges in a few rounds, short downtime, exactly bare metal")
    void toyosMovesLive() {
        for (String workload : new String[] {"all", "forkwait"}) {
            Image image = Toyos.image(Toyos.Flavor.NATIVE);
            RunResult bare = bare(m -> Toyos.boot(m, image, workload));
            Hypervisor sourceHost = host();
            VirtualMachine source = vm(sourceHost);
            Toyos.boot(source, image, workload);
            VirtualMachine destination = vm(host());

            MigrationReport report = LiveMigration.migrate(sourceHost, source, destination, bare.instructions() / 3,
                    rules, Link.GIGABIT);
            RunResult moved = destination.run();

            assertThat(Equivalence.compare(bare, moved).differences()).as("toyos -w %s moved live:\n%s", workload,
                    report.describe()).isEmpty();
            assertThat(moved.ticks()).isEqualTo(bare.ticks());
            assertThat(report.converged()).as("toyos -w %s dirties a few pages a round: pre-copy should converge\n%s",
                    workload, report.describe()).isTrue();
            assertThat(report.rounds()).as("rounds for toyos -w %s\n%s", workload, report.describe()).hasSizeLessThan(4);
            assertThat(report.downtimeMicroseconds()).as("downtime for toyos -w %s\n%s", workload, report.describe())
                    .isLessThan(2_500);
        }
    }

    @Test
    @Graded(points = 3, number = "7.13", name = "a guest that dirties faster than the link: pre-copy gives up at once and loses nothing")
    void dirtierGivesUp() {
        Image image = Dirtier.image();
        RunResult bare = bare(m -> m.load(image));
        MigrationReport report = migrateDirtier(image, bare, rules);
        assertThat(report.converged()).as("the dirtier cannot converge\n%s", report.describe()).isFalse();
        assertThat(report.rounds()).as("its second round dirtied as many pages as it sent: pre-copy should stop"
                + " there (the rate rule)\n%s", report.describe()).hasSize(2);
    }

    static MigrationReport migrateDirtier(Image image, RunResult bare, PreCopyRules policy) {
        Hypervisor sourceHost = host();
        VirtualMachine source = vm(sourceHost);
        source.load(image);
        VirtualMachine destination = vm(host());
        MigrationReport report = LiveMigration.migrate(sourceHost, source, destination, 10_000, policy, Link.GIGABIT);
        RunResult moved = destination.run();
        assertThat(Equivalence.compare(bare, moved).differences()).as("the dirtier moved live:\n%s",
                report.describe()).isEmpty();
        assertThat(moved.ticks()).isEqualTo(bare.ticks());
        return report;
    }

    static RunResult bare(Consumer<Machine> boot) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).build());
        boot.accept(machine);
        return machine.run();
    }

    static Hypervisor host() {
        Hypervisor host = new Hypervisor(MachineConfig.builder().memoryBytes(40 << 20).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
        host.setSlice(SLICE);
        return host;
    }

    static VirtualMachine vm(Hypervisor host) {
        return host.create(VmConfig.named("vm").withFuel(Toyos.FUEL), new TrapAndEmulateTechnique().create(),
                new ShadowPagingTechnique().create());
    }
}
