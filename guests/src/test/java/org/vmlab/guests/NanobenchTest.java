package org.vmlab.guests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.machine.CostModel;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;

class NanobenchTest {
    private static final int N = 500;
    private static final MachineConfig CONFIG = MachineConfig.builder().fuel(1_000_000).build();
    private static final CostModel COST = CONFIG.costModel();

    private static RunResult run(Nanobenchmark benchmark, int iterations, IsaVariant isa) {
        Machine machine = new Machine(MachineConfig.builder().isa(isa).fuel(1_000_000).build());
        Nanobench.load(machine, benchmark, iterations);
        return machine.run();
    }

    static Stream<Arguments> benchmarksOnBothVariants() {
        return Nanobenchmark.all().stream().flatMap(b -> Stream.of(
                Arguments.of(b, IsaVariant.CLASSIC), Arguments.of(b, IsaVariant.LEGACY)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("benchmarksOnBothVariants")
    void everyBenchmarkPowersOffAndSaysItIsDone(Nanobenchmark benchmark, IsaVariant isa) {
        RunResult result = run(benchmark, N, isa);

        assertThat(result.stopReason()).as(result.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(result.console()).isEqualTo(Nanobench.expectedOutput(benchmark));
    }

    /** What each iteration must do once: a counter that goes up by one per iteration. */
    private static final Map<Nanobenchmark, ToLongFunction<RunResult>> OPERATION = Map.of(
            Nanobenchmark.SYSCALL, r -> r.counters().getOrDefault("vector.128", 0L),
            Nanobenchmark.IN, r -> r.counters().get("port.accesses"),
            Nanobenchmark.PGFAULT, r -> r.counters().getOrDefault("vector.14", 0L),
            Nanobenchmark.DIVZERO, r -> r.counters().getOrDefault("vector.0", 0L));

    @ParameterizedTest
    @EnumSource(value = Nanobenchmark.class, names = {"SYSCALL", "IN", "PGFAULT", "DIVZERO"})
    void eachIterationPerformsTheOperationExactlyOnce(Nanobenchmark benchmark) {
        RunResult once = run(benchmark, N, IsaVariant.CLASSIC);
        RunResult twice = run(benchmark, 2 * N, IsaVariant.CLASSIC);

        long perRun = OPERATION.get(benchmark).applyAsLong(once);
        assertThat(OPERATION.get(benchmark).applyAsLong(twice) - perRun).isEqualTo(N);
        if (benchmark != Nanobenchmark.IN) {   // the console's output is port writes too
            assertThat(perRun).isEqualTo(N);
        }
    }

    @Test
    void pageFaultsAreTheGuestsOwnAndEachIsResolved() {
        RunResult result = run(Nanobenchmark.PGFAULT, N, IsaVariant.CLASSIC);

        assertThat(result.counters().get("page.faults")).isEqualTo(N);
        assertThat(result.counters().get("iret")).isEqualTo(N + 1);   // + the drop to ring 3
    }

    @ParameterizedTest
    @EnumSource(value = Nanobenchmark.class, names = {"CR_WRITE", "CALL_RET", "PTEMOD"})
    void theOtherLoopsRetireExactlyTheirInstructions(Nanobenchmark benchmark) {
        Map<Nanobenchmark, Integer> perIteration = Map.of(
                Nanobenchmark.CR_WRITE, 1 + Measurement.LOOP_INSTRUCTIONS,   // mtcr
                Nanobenchmark.CALL_RET, 2 + Measurement.LOOP_INSTRUCTIONS,   // call, ret
                Nanobenchmark.PTEMOD, 4 + Measurement.LOOP_INSTRUCTIONS);    // xori, sw, invlpg, lw
        RunResult once = run(benchmark, N, IsaVariant.CLASSIC);
        RunResult twice = run(benchmark, 2 * N, IsaVariant.CLASSIC);

        assertThat(twice.instructions() - once.instructions())
                .isEqualTo((long) N * perIteration.get(benchmark));
    }

    @ParameterizedTest
    @EnumSource(Nanobenchmark.class)
    void theFigureIsTheSameForAnyIterationCount(Nanobenchmark benchmark) {
        CycleCounter bare = CycleCounter.bareMetal(CONFIG);

        double small = Nanobench.measure(benchmark, 100, bare).cyclesPerIteration();
        double large = Nanobench.measure(benchmark, 1000, bare).cyclesPerIteration();

        assertThat(large).isEqualTo(small);
        assertThat(large).isEqualTo(Math.rint(large));   // deterministic: a whole number
    }

    /**
     * The cycles of the instructions of one iteration: at least one per instruction, at most what
     * the instruction table lists for each; plus {@code events}, the cost model's extras.
     */
    private static void assertCosts(double figure, int events, Opcode... body) {
        int least = body.length + Measurement.LOOP_INSTRUCTIONS + events;
        int most = Arrays.stream(body).mapToInt(Opcode::cycles).sum()
                + Opcode.ADDI.cycles() + Opcode.CMP.cycles() + Opcode.BNE.cycles() + events;
        assertThat(figure).isBetween((double) least, (double) most);
    }

    @Test
    void theNativeFiguresAreWhatTheCostModelPredicts() {
        int trapRoundTrip = COST.trapEntry() + COST.interruptReturn();
        Map<Nanobenchmark, Double> figures = new EnumMap<>(Nanobenchmark.class);
        for (Nanobenchmark b : Nanobenchmark.all()) {
            figures.put(b, Nanobench.measure(b, N, CycleCounter.bareMetal(CONFIG))
                    .cyclesPerIteration());
        }
        System.out.println(Nanobench.table(figures));

        assertCosts(figures.get(Nanobenchmark.CALL_RET), 0, Opcode.CALL, Opcode.RET);
        assertCosts(figures.get(Nanobenchmark.CR_WRITE), 0, Opcode.MTCR);
        // the read after invlpg walks two levels and sets the accessed bit of the rewritten entry
        assertCosts(figures.get(Nanobenchmark.PTEMOD), 3 * COST.memoryReference(),
                Opcode.XORI, Opcode.SW, Opcode.INVLPG, Opcode.LW);
        assertCosts(figures.get(Nanobenchmark.IN), COST.portAccess(), Opcode.IN);
        assertCosts(figures.get(Nanobenchmark.SYSCALL), trapRoundTrip,
                Opcode.INT, Opcode.ADDI, Opcode.IRET);
        // the faulting div does not retire: the handler's seven instructions do
        assertCosts(figures.get(Nanobenchmark.DIVZERO), trapRoundTrip,
                Opcode.PUSH, Opcode.LW, Opcode.ADDI, Opcode.SW, Opcode.POP, Opcode.ADDI, Opcode.IRET);
        // a fault, a handler of 22 instructions, and two page walks (the fault's and the retry's)
        // of two to three memory references each
        assertThat(figures.get(Nanobenchmark.PGFAULT))
                .isBetween(trapRoundTrip + 4.0 * COST.memoryReference(),
                        trapRoundTrip + 6.0 * COST.memoryReference() + 40);
    }

    @Test
    void benchmarksAreNamedAsAdamsAndAgesenNameThem() {
        assertThat(Nanobenchmark.all()).extracting(Nanobenchmark::id).containsExactly(
                "syscall", "in", "cr-write", "call-ret", "pgfault", "divzero", "ptemod");
        assertThat(Nanobenchmark.named("PGFAULT")).isEqualTo(Nanobenchmark.PGFAULT);
        assertThat(Nanobenchmark.all()).allSatisfy(b -> {
            assertThat(b.description()).isNotBlank();
            assertThat(b.measures()).isNotBlank();
        });
        assertThatThrownBy(() -> Nanobenchmark.named("cr8wr"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cr-write");
    }

    @Test
    void aRunnerThatCannotFinishTheGuestIsAnError() {
        CycleCounter starved = CycleCounter.bareMetal(MachineConfig.builder().fuel(1000).build());

        assertThatThrownBy(() -> Nanobench.measure(Nanobenchmark.SYSCALL, 10, starved))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("FUEL_EXHAUSTED");
        assertThatThrownBy(() -> Nanobench.image(Nanobenchmark.SYSCALL, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
