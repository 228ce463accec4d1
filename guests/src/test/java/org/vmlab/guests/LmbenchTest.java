package org.vmlab.guests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;

class LmbenchTest {
    private static final int N = 30;

    private static RunResult run(IsaVariant isa, String commandLine) {
        Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(Lmbench.fuel(Lmbench.MAX_ITERATIONS))
                .build());
        Toyos.boot(machine, Toyos.image(Toyos.Flavor.NATIVE), commandLine);
        return machine.run();
    }

    static Stream<Arguments> benchmarksOnBothVariants() {
        return Lmbenchmark.programs().stream().flatMap(b -> Stream.of(
                Arguments.of(b, IsaVariant.CLASSIC), Arguments.of(b, IsaVariant.LEGACY)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("benchmarksOnBothVariants")
    void everyProgramPowersOffSayingOkWhateverItsCount(Lmbenchmark benchmark, IsaVariant isa) {
        for (String commandLine : new String[] {benchmark.commandLine(N), benchmark.commandLine(0), benchmark.id()}) {
            RunResult result = run(isa, commandLine);

            assertThat(result.stopReason()).as(commandLine + ": " + result.stopDetail()).isEqualTo(StopReason.HALT);
            assertThat(result.console()).as(commandLine).isEqualTo(Lmbench.expectedOutput(benchmark))
                    .isEqualTo("toyos: boot\ntoyos: paging on\n" + benchmark.id() + ": ok\n"
                            + "toyos: no processes left, power off\n");
        }
    }

    @Test
    void theLargestCountStillFitsInMemory() {
        RunResult result = run(IsaVariant.CLASSIC,
                Lmbenchmark.PAGE_FAULT.commandLine(Lmbench.MAX_ITERATIONS));

        assertThat(result.console()).isEqualTo(Lmbench.expectedOutput(Lmbenchmark.PAGE_FAULT));
    }

    /** System calls (vector 0x80) and page faults (vector 14) an iteration makes: the operation, once. */
    private static final Map<Lmbenchmark, ToLongFunction<RunResult>> PER_ITERATION = Map.of(
            Lmbenchmark.NULL_CALL, r -> syscalls(r),                   // getpid
            Lmbenchmark.FORK, r -> syscalls(r) / 3,                    // fork, exit, wait
            Lmbenchmark.EXEC, r -> syscalls(r) / 4,                    // fork, exec, exit, wait
            Lmbenchmark.PAGE_FAULT, r -> r.counters().getOrDefault("vector.14", 0L),
            Lmbenchmark.CONTEXT_SWITCH, r -> syscalls(r) / 2,          // a yield each
            Lmbenchmark.SBRK, r -> syscalls(r),                        // sbrk
            Lmbenchmark.DISK_READ, r -> r.observables().diskRequests().size(),    // a request to the disk
            Lmbenchmark.NET_ROUND_TRIP, r -> r.observables().frames().size() / 2); // a frame out, its echo in

    private static long syscalls(RunResult r) {
        return r.counters().getOrDefault("vector.128", 0L);
    }

    @ParameterizedTest
    @EnumSource(Lmbenchmark.class)
    void eachIterationPerformsTheOperationOnce(Lmbenchmark benchmark) {
        RunResult once = run(IsaVariant.CLASSIC, benchmark.commandLine(N));
        RunResult twice = run(IsaVariant.CLASSIC, benchmark.commandLine(2 * N));

        ToLongFunction<RunResult> operations = PER_ITERATION.get(benchmark);
        assertThat(operations.applyAsLong(twice) - operations.applyAsLong(once)).isEqualTo(N);
    }

    @Test
    void aContextSwitchIsHalfARoundOfThePingPong() {
        Lmbench.Result r = new Lmbench.Result(Lmbenchmark.CONTEXT_SWITCH, 10, 1_000, 3_000);

        assertThat(r.cyclesPerOperation()).isEqualTo(100.0);
        assertThat(new Lmbench.Result(Lmbenchmark.NULL_CALL, 10, 1_000, 3_000).cyclesPerOperation()).isEqualTo(200.0);
    }

    @ParameterizedTest
    @EnumSource(Lmbenchmark.class)
    void everyOperationCostsSomethingNatively(Lmbenchmark benchmark) {
        Lmbench.Result r = Lmbench.measure(benchmark, N, Lmbench.bareMetal());

        assertThat(r.cyclesPerOperation()).isPositive();
        assertThat(r.cyclesTwice()).isGreaterThan(r.cycles());
    }

    @Test
    void theOperationsCostWhatTheirWorkSuggests() {
        Map<Lmbenchmark, Double> cycles = new java.util.EnumMap<>(Lmbenchmark.class);
        for (Lmbenchmark b : Lmbenchmark.all()) {
            cycles.put(b, Lmbench.measure(b, N, Lmbench.bareMetal()).cyclesPerOperation());
        }

        // a system call crosses into the kernel and back: a trap entry (120) and an iret (80)
        assertThat(cycles.get(Lmbenchmark.NULL_CALL)).isBetween(200.0, 1_000.0);
        assertThat(cycles.get(Lmbenchmark.SBRK)).isBetween(200.0, 1_000.0);
        // a fault zeroes a page; a fork copies an address space; an exec also loads a program
        assertThat(cycles.get(Lmbenchmark.PAGE_FAULT)).isGreaterThan(cycles.get(Lmbenchmark.NULL_CALL));
        assertThat(cycles.get(Lmbenchmark.FORK)).isGreaterThan(cycles.get(Lmbenchmark.PAGE_FAULT));
        assertThat(cycles.get(Lmbenchmark.EXEC)).isGreaterThan(cycles.get(Lmbenchmark.FORK));
    }

    @Test
    void aRunThatDoesNotSayOkHasNoFigure() {
        Lmbench.Runner wrongProgram = (commandLine, fuel) -> Lmbench.bareMetal().run("compute", fuel);
        Lmbench.Runner outOfFuel = (commandLine, fuel) -> Lmbench.bareMetal().run(commandLine, 10_000);

        assertThatThrownBy(() -> Lmbench.measure(Lmbenchmark.NULL_CALL, 5, wrongProgram))
                .isInstanceOf(Lmbench.Failed.class)
                .hasMessageStartingWith("\"lat_null 5\" did not print \"lat_null: ok\": toyos: boot | toyos: paging on"
                        + " | compute: 1000000 iterations");
        assertThatThrownBy(() -> Lmbench.measure(Lmbenchmark.NULL_CALL, 5, outOfFuel))
                .isInstanceOf(Lmbench.Failed.class)
                .hasMessageStartingWith("\"lat_null 5\" did not power off: FUEL");
    }

    @Test
    void countsOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> Lmbench.measure(Lmbenchmark.NULL_CALL, 0, Lmbench.bareMetal()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("iterations must be in 1..1000, was 0");
        assertThatThrownBy(() -> Lmbench.measure(Lmbenchmark.NULL_CALL, 1001, Lmbench.bareMetal()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("iterations must be in 1..1000, was 1001");
        assertThatThrownBy(() -> Lmbenchmark.FORK.commandLine(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Lmbenchmark.FORK.commandLine(2000)).isEqualTo("lat_fork 2000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lat_null", "lat_null 0", "lat_ctx 2000", "lat_exec 17"})
    void anLmbenchCommandLineIsAProgramAndMaybeACount(String commandLine) {
        assertThat(Lmbench.isCommandLine(commandLine)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "syscall", "lat_null ", "lat_null 2001", "lat_null -1", "lat_null 1 2", "lat_nul 5",
            "lat_null x", " lat_null 5", "true"})
    void anythingElseIsNot(String commandLine) {
        assertThat(Lmbench.isCommandLine(commandLine)).isFalse();
    }

    @Test
    void aProgramWithACountThatInitDoesNotKnowIsNamedWithoutIt() {
        RunResult result = run(IsaVariant.CLASSIC, "lat_nothing 12");

        assertThat(result.console()).isEqualTo("toyos: boot\ntoyos: paging on\ninit: no such program: lat_nothing\n"
                + "toyos: no processes left, power off\n");
    }

    @Test
    void benchmarksAreNamedByTheirPrograms() {
        assertThat(Lmbenchmark.all()).extracting(Lmbenchmark::id).containsExactly(
                "lat_null", "lat_fork", "lat_exec", "lat_pagefault", "lat_ctx", "lat_sbrk");
        assertThat(Lmbenchmark.named("LAT_CTX")).isEqualTo(Lmbenchmark.CONTEXT_SWITCH);
        assertThat(Lmbenchmark.all()).allSatisfy(b -> assertThat(b.defaultIterations())
                .isBetween(1, Lmbench.MAX_ITERATIONS / 2));
        assertThatThrownBy(() -> Lmbenchmark.named("lat_tcp")).hasMessageStartingWith("no such lmbench program: lat_tcp");
    }
}
