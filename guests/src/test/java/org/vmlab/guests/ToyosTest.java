package org.vmlab.guests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;

class ToyosTest {
    /** Every workload must finish well inside this many instructions. */
    private static final long FUEL = 20_000_000L;

    private static RunResult run(IsaVariant isa, Toyos.Flavor flavor, String workload) {
        Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(FUEL).build());
        Toyos.boot(machine, Toyos.image(flavor), workload);
        return machine.run();
    }

    static Stream<Arguments> workloadsOnBothVariants() {
        return Toyos.workloads().stream().flatMap(w -> Stream.of(
                Arguments.of(w, IsaVariant.CLASSIC), Arguments.of(w, IsaVariant.LEGACY)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("workloadsOnBothVariants")
    void everyWorkloadPowersOffWithItsExpectedOutput(String workload, IsaVariant isa) {
        RunResult result = run(isa, Toyos.Flavor.NATIVE, workload);

        assertThat(result.console()).isEqualTo(Toyos.expectedOutput(workload));
        assertThat(result.stopReason()).as(result.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(result.instructions()).isLessThan(FUEL / 2);
    }

    @Test
    void theParavirtualKernelNeedsAHypervisorAndSaysNothingOnBareMetal() {
        RunResult result = run(IsaVariant.CLASSIC, Toyos.Flavor.PARAVIRT, "hello");

        // No start-info page: its first hypercall, asking to shut down, is an int with no gate.
        assertThat(result.console()).isEmpty();
        assertThat(result.stopReason()).isEqualTo(StopReason.TRIPLE_FAULT);
    }

    @Test
    void theNativeKernelIsTheSameWhateverTheParavirtualCodeInTheSource() {
        // The paravirtual code sits in .if PARAVIRT branches: the native build leaves it out.
        assertThat(Toyos.image(Toyos.Flavor.PARAVIRT).segment("kernel").orElseThrow().bytes().length)
                .isGreaterThan(Toyos.image(Toyos.Flavor.NATIVE).segment("kernel").orElseThrow().bytes().length);
        assertThat(Toyos.image(Toyos.Flavor.NATIVE).symbols().address("xen_start")).isEmpty();
    }

    @Test
    void anEmptyCommandLineRunsTheDefaultSet() {
        RunResult result = run(IsaVariant.CLASSIC, Toyos.Flavor.NATIVE, "");

        assertThat(result.console()).isEqualTo(Toyos.expectedOutput("all"))
                .isEqualTo(Toyos.expectedOutput(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "pagefault", "disk", "net"})
    void runsAreDeterministic(String workload) {
        RunResult first = run(IsaVariant.CLASSIC, Toyos.Flavor.NATIVE, workload);
        RunResult second = run(IsaVariant.CLASSIC, Toyos.Flavor.NATIVE, workload);

        assertThat(second.instructions()).isEqualTo(first.instructions());
        assertThat(second.ticks()).isEqualTo(first.ticks());
        assertThat(second.observables()).isEqualTo(first.observables());
    }

    @Test
    void theDefaultSetReallyRunsConcurrentlyUnderTimerPreemption() {
        Machine machine = new Machine(MachineConfig.builder().fuel(FUEL).build());
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        Toyos.boot(machine, image, "all");
        machine.run();

        int switches = machine.memory().readWord(image.symbols().address("stat_switches").orElseThrow());
        // three workers of ~1.4M instructions each, a quantum of 10,000 ticks
        assertThat(switches).isGreaterThan(300);
    }

    @Test
    void pagefaultUsesDemandPagingAndCopyOnWrite() {
        Machine machine = new Machine(MachineConfig.builder().fuel(FUEL).build());
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        Toyos.boot(machine, image, "pagefault");
        machine.run();

        int demand = machine.memory().readWord(image.symbols().address("stat_demand").orElseThrow());
        int cow = machine.memory().readWord(image.symbols().address("stat_cow").orElseThrow());
        assertThat(demand).isGreaterThanOrEqualTo(256);
        assertThat(cow).isGreaterThanOrEqualTo(64);
    }

    @Test
    void forkwaitCreatesAndReapsAHundredProcesses() {
        Machine machine = new Machine(MachineConfig.builder().fuel(FUEL).build());
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        Toyos.boot(machine, image, "forkwait");
        RunResult result = machine.run();

        int nextpid = machine.memory().readWord(image.symbols().address("nextpid").orElseThrow());
        assertThat(nextpid).isEqualTo(1 + 2 + 100);   // init, forkwait, then its 100 children
        assertThat(result.counters().get("vector.128")).isGreaterThanOrEqualTo(3 * 100);
        assertThat(result.instructions()).isLessThan(5_000_000);
    }

    @Test
    void theKernelSurvivesUserFaults() {
        RunResult result = run(IsaVariant.CLASSIC, Toyos.Flavor.NATIVE, "fault");

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(result.console())
                .contains("toyos: pid 3 killed: page fault at 0x00000010")
                .contains("toyos: pid 5 killed: general protection fault")
                .contains("fault: disk read afterwards returned 0x00000000")
                .endsWith("fault: the kernel survived every fault\n"
                        + "toyos: no processes left, power off\n");
    }

    @Test
    void diskAndNetworkTrafficReachTheDevices() {
        RunResult disk = run(IsaVariant.CLASSIC, Toyos.Flavor.NATIVE, "disk");
        RunResult net = run(IsaVariant.CLASSIC, Toyos.Flavor.NATIVE, "net");

        assertThat(disk.observables().diskRequests()).hasSize(2 + 4);
        assertThat(net.observables().frames()).hasSize(8 + 8);   // sent and echoed
    }

    @Test
    void anUnknownProgramIsReportedByInit() {
        RunResult result = run(IsaVariant.CLASSIC, Toyos.Flavor.NATIVE, "nosuch");

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(result.console()).contains("init: no such program: nosuch\n")
                .endsWith("toyos: no processes left, power off\n");
    }

    @Test
    void theCommandLineIsBounded() {
        Machine machine = new Machine(MachineConfig.builder().fuel(FUEL).build());

        assertThatThrownBy(() -> Toyos.boot(machine, "x".repeat(Toyos.CMDLINE_MAX + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Toyos.expectedOutput("nosuch"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compute");
    }

    @Test
    void everyWorkloadIsDescribed() {
        assertThat(Toyos.workloads()).allSatisfy(w -> assertThat(Toyos.description(w)).isNotBlank());
    }

    @Test
    void theImageKeepsItsLayout() {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);

        assertThat(image.segment("kernel")).hasValueSatisfying(s -> {
            assertThat(s.address()).isEqualTo(0x1000);
            assertThat(s.end()).isLessThanOrEqualTo(0x80000);   // below the page tables
        });
        assertThat(image.segment("user")).hasValueSatisfying(s ->
                assertThat(s.address()).isEqualTo(0x00C0_0000));
        assertThat(image.symbols().address(Toyos.CMDLINE_SYMBOL)).isPresent();
    }

    @Test
    void theComputeReferenceMatchesTheKnownValue() {
        assertThat(Toyos.checksum(1, 1_000_000)).isEqualTo(0xf9008a0c);
    }
}
