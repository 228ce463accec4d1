package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.guests.Dirtier;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab4.ParavirtTechnique;
import org.vmlab.labs.lab4.PvMmuTechnique;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.labs.lab7.PreCopyRules;
import org.vmlab.vmm.migration.LiveMigration;
import org.vmlab.vmm.migration.Link;
import org.vmlab.vmm.migration.MigrationReport;
import org.vmlab.vmm.migration.PreCopyPolicy;

/**
 * Live migration by pre-copy [Clark et al., NSDI 2005]: a VM moved from one host to another while
 * it runs goes on there exactly as if it had never moved (the same stop, console, disk requests
 * and frames at the same ticks, the same memory and registers, the same count of instructions and
 * ticks), for every toyos workload under every full-virtualization technique; a guest that dirties
 * memory faster than the link sends it is moved anyway, by the stop-and-copy, and loses nothing;
 * a VM that cannot be captured is refused with the reason.
 */
@Execution(ExecutionMode.CONCURRENT)
class LiveMigrationTest {
    /** A link 32 times the gigabit one: rounds end while the short toyos workloads still run. */
    private static final Link FAST = new Link(1_024, "a link 32 times the gigabit one, for the test");
    /** The slice of the source host: short, so that rounds end soon after their pages arrive. */
    private static final long SLICE = 5_000;

    static Stream<Arguments> techniquesAndWorkloads() {
        return ToyosHosts.movablePairs(Toyos.workloads());
    }

    @ParameterizedTest(name = "{0} + {1}, {2}")
    @MethodSource("techniquesAndWorkloads")
    void aVmMigratedLiveRunsOnAtTheDestinationExactlyAsIfItNeverMoved(CpuTechnique cpu, MemoryTechnique memory,
            String workload) {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        RunResult bare = bare(machine -> Toyos.boot(machine, image, workload));
        for (Link link : new Link[] {Link.GIGABIT, FAST}) {
            Hypervisor sourceHost = host(cpu);
            VirtualMachine source = sourceHost.create(config(), cpu.create(), memory.create());
            Toyos.boot(source, image, workload);
            VirtualMachine destination = host(cpu).create(config(), cpu.create(), memory.create());
            long at = bare.instructions() / 3;

            MigrationReport report = LiveMigration.migrate(sourceHost, source, destination, at,
                    new PreCopyRules(), link);
            RunResult moved = destination.run();

            String what = String.format("%s + %s, %s, migrated at instruction %d over %s", cpu.name(),
                    memory.name(), workload, at, link);
            assertThat(Equivalence.compare(bare, moved).differences()).as(what).isEmpty();
            assertThat(moved.instructions()).as(what).isEqualTo(bare.instructions());
            assertThat(moved.ticks()).as(what).isEqualTo(bare.ticks());
            assertThat(source.result().stopReason()).as("the source, moved (or stopped by itself during pre-copy)")
                    .isEqualTo(report.why().startsWith("the guest stopped") ? bare.stopReason() : StopReason.MIGRATED);
            assertThat(report.startedAt()).isEqualTo(at);
            assertThat(report.rounds()).as(what).isNotEmpty();
            assertThat(report.rounds().get(0).pagesSent()).as("round 1 sends every page the guest has").isPositive();
            assertThat(report.downtimeCycles()).isEqualTo((report.stopAndCopyPages() + 1) * link.cyclesPerPage());
        }
    }

    static Stream<Arguments> fullVirtualization() {
        return Stream.of(Arguments.of(new TrapAndEmulateTechnique(), new ShadowPagingTechnique()),
                Arguments.of(new HardwareTechnique(), new NestedPagingTechnique()));
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("fullVirtualization")
    void aGuestThatDirtiesFasterThanTheLinkIsStoppedAndCopiedAndLosesNothing(CpuTechnique cpu,
            MemoryTechnique memory) {
        Image image = Dirtier.image();
        RunResult bare = bare(machine -> machine.load(image));
        assertThat(bare.stopReason()).isEqualTo(StopReason.HALT);

        MigrationReport byRate = migrateDirtier(cpu, memory, image, bare, new PreCopyRules());
        assertThat(byRate.converged()).isFalse();
        assertThat(byRate.why()).contains("dirtied while");
        assertThat(byRate.rounds()).hasSize(2);

        MigrationReport byLimit = migrateDirtier(cpu, memory, image, bare, PreCopyRules.roundLimit(5));
        assertThat(byLimit.converged()).isFalse();
        assertThat(byLimit.why()).contains("round limit");
        assertThat(byLimit.rounds()).hasSize(5);
        assertThat(byLimit.rounds()).allSatisfy(round -> assertThat(round.dirtyPages()).isGreaterThanOrEqualTo(Dirtier.PAGES));
        assertThat(byLimit.stopAndCopyPages()).isGreaterThanOrEqualTo(Dirtier.PAGES);
    }

    private static MigrationReport migrateDirtier(CpuTechnique cpu, MemoryTechnique memory, Image image,
            RunResult bare, PreCopyRules policy) {
        Hypervisor sourceHost = host(cpu);
        VirtualMachine source = sourceHost.create(config(), cpu.create(), memory.create());
        source.load(image);
        VirtualMachine destination = host(cpu).create(config(), cpu.create(), memory.create());

        MigrationReport report = LiveMigration.migrate(sourceHost, source, destination, 10_000, policy, Link.GIGABIT);
        RunResult moved = destination.run();

        assertThat(Equivalence.compare(bare, moved).differences()).as(report.describe()).isEmpty();
        assertThat(moved.ticks()).isEqualTo(bare.ticks());
        System.out.printf("a guest that dirties 128 pages in a loop, %s + %s:%n%s", cpu.name(), memory.name(),
                report.describe());
        return report;
    }

    @Test
    void aGuestThatPowersOffBeforeTheMigrationBeginsIsMovedAsItStopped() {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        RunResult bare = bare(machine -> Toyos.boot(machine, image, "syscall"));
        Hypervisor sourceHost = host(new HardwareTechnique());
        VirtualMachine source = sourceHost.create(config(), new HardwareTechnique().create(),
                new NestedPagingTechnique().create());
        Toyos.boot(source, image, "syscall");
        VirtualMachine destination = host(new HardwareTechnique()).create(config(), new HardwareTechnique().create(),
                new NestedPagingTechnique().create());

        MigrationReport report = LiveMigration.migrate(sourceHost, source, destination, 2 * bare.instructions(),
                new PreCopyRules(), Link.GIGABIT);

        assertThat(report.outcome()).isEqualTo("guest stopped");
        assertThat(report.rounds()).isEmpty();
        assertThat(report.stopAndCopyPages()).isEqualTo(source.memory().framesInUse());
        assertThat(Equivalence.compare(bare, destination.run()).differences()).isEmpty();
    }

    /** Sends one page a round, holds back the rest, and stops after three rounds. */
    private static final class Stingy implements PreCopyPolicy {
        @Override
        public Decision afterRound(Round round) {
            return round.number() >= 3 ? Decision.notConverging("three rounds") : Decision.anotherRound();
        }

        @Override
        public BitSet pagesToSend(int round, BitSet dirty) {
            BitSet one = new BitSet();
            if (!dirty.isEmpty()) {
                one.set(dirty.nextSetBit(0));
            }
            return one;
        }
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("fullVirtualization")
    void pagesAPolicyHoldsBackAreSentLaterAndNothingIsLost(CpuTechnique cpu, MemoryTechnique memory) {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        RunResult bare = bare(machine -> Toyos.boot(machine, image, "all"));
        Hypervisor sourceHost = host(cpu);
        VirtualMachine source = sourceHost.create(config(), cpu.create(), memory.create());
        Toyos.boot(source, image, "all");
        VirtualMachine destination = host(cpu).create(config(), cpu.create(), memory.create());

        MigrationReport report = LiveMigration.migrate(sourceHost, source, destination, bare.instructions() / 3,
                new Stingy(), FAST);

        assertThat(report.rounds()).hasSize(3);
        assertThat(report.rounds().subList(1, 3)).allSatisfy(r -> assertThat(r.pagesSent()).isEqualTo(1));
        assertThat(report.stopAndCopyPages()).as("the pages held back, sent at the end").isGreaterThan(1);
        assertThat(Equivalence.compare(bare, destination.run()).differences()).isEmpty();
    }

    @Test
    void aVmWhoseStateCannotBeCapturedIsRefusedWithTheReason() {
        Hypervisor host = host(new ParavirtTechnique());
        VirtualMachine pv = host.create(VmConfig.named("pv").withFuel(Toyos.FUEL), new ParavirtTechnique().create(),
                new PvMmuTechnique().create());
        VirtualMachine other = host(new ParavirtTechnique()).create(VmConfig.named("pv2").withFuel(Toyos.FUEL),
                new ParavirtTechnique().create(), new PvMmuTechnique().create());

        assertThat(LiveMigration.whyNot(pv)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("pv cannot be captured: "));
        assertThatThrownBy(() -> LiveMigration.migrate(host, pv, other, 0, new PreCopyRules(), Link.GIGABIT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("pv cannot be captured: ");
    }

    @Test
    void theDestinationMustBeAFreshVmOfAnotherHypervisor() {
        Hypervisor host = host(new HardwareTechnique());
        VirtualMachine source = host.create(VmConfig.named("a").withFuel(Toyos.FUEL), new HardwareTechnique().create(),
                new NestedPagingTechnique().create());
        VirtualMachine sameHost = host.create(VmConfig.named("b").withFuel(Toyos.FUEL), new HardwareTechnique().create(),
                new NestedPagingTechnique().create());

        assertThatThrownBy(() -> LiveMigration.migrate(host, source, sameHost, 0, new PreCopyRules(),
                Link.GIGABIT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another hypervisor");
        assertThatThrownBy(() -> LiveMigration.migrate(host, source, source, 0, new PreCopyRules(),
                Link.GIGABIT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(source.vcpu().ticks()).as("nothing ran").isZero();
    }

    private static VmConfig config() {
        return VmConfig.named("vm").withFuel(Toyos.FUEL);
    }

    private static Hypervisor host(CpuTechnique cpu) {
        Hypervisor host = new Hypervisor(MachineConfig.builder().memoryBytes(40 << 20).vt(cpu.needsVt())
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        host.setSlice(SLICE);
        return host;
    }

    private static RunResult bare(java.util.function.Consumer<Machine> boot) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).build());
        boot.accept(machine);
        return machine.run();
    }
}
