package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DiskRequest;
import org.vmlab.machine.device.Frame;
import org.vmlab.machine.isa.Registers;

/**
 * Popek and Goldberg's equivalence as a verdict a student reads: every observable compared, each
 * difference one line, in the order console, disk, network, contents, processor; and
 * {@link StateDifference} naming each field of the processor state that differs.
 */
class EquivalenceTest {
    /** The processor state both runs end in unless a test says otherwise. */
    private static final CpuSnapshot STATE = state();

    private static CpuSnapshot state() {
        return new CpuSnapshot(new int[Registers.COUNT], 0x1000, Registers.FLAG_IF, 1, 0, 0x2000, 0x9000, 0, 0);
    }

    private static RunResult run(StopReason stop, String console, List<DiskRequest> disk, List<Frame> frames,
            String diskDigest, String memoryDigest, CpuSnapshot cpu) {
        return new RunResult(stop, "detail of " + stop, new RunResult.Observables(console, disk, frames, diskDigest,
                memoryDigest, cpu), 10, 10, 10, Map.of());
    }

    private static RunResult reference() {
        return run(StopReason.HALT, "hello\nworld\n", List.of(), List.of(), "disk", "memory", STATE);
    }

    @Test
    void identicalRunsAreEquivalentWhateverTheirCostOrCounters() {
        RunResult virtual = new RunResult(StopReason.HALT, "other words", reference().observables(), 10, 10, 99_999,
                Map.of("exit.timer", 3L));

        Equivalence.Verdict verdict = Equivalence.compare(reference(), virtual);

        assertThat(verdict.equivalent()).isTrue();
        assertThat(verdict.differences()).isEmpty();
        assertThat(verdict.summary()).isEqualTo("equivalent");
    }

    @Test
    void aDifferentEndIsReportedWithTheVirtualRunsDetail() {
        RunResult virtual = run(StopReason.TRIPLE_FAULT, "hello\nworld\n", List.of(), List.of(), "disk", "memory", STATE);

        Equivalence.Verdict verdict = Equivalence.compare(reference(), virtual);

        assertThat(verdict.differences()).containsExactly("stopped TRIPLE_FAULT (detail of TRIPLE_FAULT), natively HALT");
        assertThat(verdict.summary()).isEqualTo("DIVERGED: stopped TRIPLE_FAULT (detail of TRIPLE_FAULT), natively HALT");
    }

    @Test
    void consoleOutputIsComparedLineByLineAndTheFirstDifferentLineQuoted() {
        RunResult virtual = run(StopReason.HALT, "hello\nwordl\n", List.of(), List.of(), "disk", "memory", STATE);
        RunResult shorter = run(StopReason.HALT, "hello\n", List.of(), List.of(), "disk", "memory", STATE);

        assertThat(Equivalence.compare(reference(), virtual).differences())
                .containsExactly("console output differs at line 2: native \"world\", virtual \"wordl\"");
        assertThat(Equivalence.compare(reference(), shorter).differences())
                .containsExactly("console output differs at line 2: native \"world\", virtual \"\"");
    }

    @Test
    void diskRequestsAndFramesAreComparedInOrderTheFirstDifferenceNamed() {
        DiskRequest read = new DiskRequest(1000, DiskRequest.Op.READ, 0, 1, "abc", true);
        Frame frame = new Frame(500, Frame.Direction.SENT, new byte[] {1, 2});
        RunResult nativeRun = run(StopReason.HALT, "", List.of(read), List.of(frame), "disk", "memory", STATE);
        RunResult virtual = run(StopReason.HALT, "", List.of(), List.of(frame, frame), "disk", "memory", STATE);

        List<String> differences = Equivalence.compare(nativeRun, virtual).differences();

        assertThat(differences).hasSize(2);
        assertThat(differences.get(0)).isEqualTo("disk requests differ at #1: native " + read + ", virtual (none)");
        assertThat(differences.get(1)).isEqualTo("network frames differ at #2: native (none), virtual " + frame);
    }

    @Test
    void everyObservableThatDiffersIsListedInOrder() {
        int[] registers = new int[Registers.COUNT];
        registers[Registers.SP] = 0x8ff0;
        CpuSnapshot other = new CpuSnapshot(registers, 0x1000, 0, 1, 0, 0x2000, 0x9000, 0, 0);
        RunResult virtual = run(StopReason.FUEL_EXHAUSTED, "hello\n", List.of(), List.of(), "disk2", "memory2", other);

        List<String> differences = Equivalence.compare(reference(), virtual).differences();

        assertThat(differences).containsExactly(
                "stopped FUEL_EXHAUSTED (detail of FUEL_EXHAUSTED), natively HALT",
                "console output differs at line 2: native \"world\", virtual \"\"",
                "the disk's final contents differ",
                "memory's final contents differ",
                "final processor state differs: sp: native 0x00000000, virtual 0x00008ff0; IF: native 1, virtual 0");
    }

    @Test
    void atTheObservableLevelADifferentKernelsMemoryAndRegistersDoNotCount() {
        int[] registers = new int[Registers.COUNT];
        registers[Registers.SP] = 0x8ff0;
        CpuSnapshot other = new CpuSnapshot(registers, 0x1000, 0, 1, 0, 0x2000, 0x9000, 0, 0);
        RunResult paravirtual = run(StopReason.HALT, "hello\nworld\n", List.of(), List.of(), "disk", "memory2", other);

        Equivalence.Verdict verdict = Equivalence.compare(reference(), paravirtual, Equivalence.Level.OBSERVABLE);

        assertThat(verdict.equivalent()).isTrue();
        assertThat(verdict.level().checks()).isEqualTo("stop, console, disk, network");
        assertThat(Equivalence.compare(reference(), paravirtual).differences()).as("exactly, they differ").hasSize(2);
    }

    @Test
    void atTheObservableLevelWhatTheWorldSeesStillCounts() {
        RunResult paravirtual = run(StopReason.HALT, "hello\n", List.of(), List.of(), "disk2", "memory2", STATE);

        assertThat(Equivalence.compare(reference(), paravirtual, Equivalence.Level.OBSERVABLE).differences())
                .containsExactly("console output differs at line 2: native \"world\", virtual \"\"",
                        "the disk's final contents differ");
    }

    @Test
    void atTheObservableLevelRequestsAndFramesCountByWhatTheyCarryNotWhenTheyCame() {
        DiskRequest write = new DiskRequest(100, DiskRequest.Op.WRITE, 7, 1, "ab", true);
        Frame sent = new Frame(200, Frame.Direction.SENT, new byte[] {1, 2, 3});
        RunResult nativeRun = run(StopReason.HALT, "", List.of(write), List.of(sent), "disk", "memory", STATE);
        RunResult later = run(StopReason.HALT, "", List.of(new DiskRequest(900, DiskRequest.Op.WRITE, 7, 1, "ab", true)),
                List.of(new Frame(950, Frame.Direction.SENT, new byte[] {1, 2, 3})), "disk", "memory", STATE);
        RunResult otherSector = run(StopReason.HALT, "", List.of(new DiskRequest(100, DiskRequest.Op.WRITE, 8, 1, "ab", true)),
                List.of(sent), "disk", "memory", STATE);

        assertThat(Equivalence.compare(nativeRun, later, Equivalence.Level.OBSERVABLE).equivalent()).isTrue();
        assertThat(Equivalence.compare(nativeRun, later).differences()).as("exactly, time counts").hasSize(2);
        assertThat(Equivalence.compare(nativeRun, otherSector, Equivalence.Level.OBSERVABLE).differences())
                .singleElement().asString().startsWith("disk requests differ at #1");
    }

    @Test
    void theVerdictsListCannotBeChangedAfterwards() {
        java.util.ArrayList<String> list = new java.util.ArrayList<>(List.of("x"));
        Equivalence.Verdict verdict = new Equivalence.Verdict(list);
        list.clear();

        assertThat(verdict.differences()).containsExactly("x");
    }

    // --- StateDifference -----------------------------------------------------------------------

    @Test
    void agreeingStatesHaveNoDifference() {
        assertThat(StateDifference.between(STATE, state())).isEmpty();
    }

    @Test
    void everyFieldIsNamedAsTheAssemblerNamesItRegistersFirstThenPcFlagsAndControlRegisters() {
        int[] n = new int[Registers.COUNT];
        int[] v = new int[Registers.COUNT];
        v[1] = 1;
        v[Registers.SP] = 0x100;
        CpuSnapshot nativeState = new CpuSnapshot(n, 0x1000,
                Registers.FLAG_IF | Registers.FLAG_Z | Registers.FLAG_V, 0, 0, 0, 0, 0, 0);
        CpuSnapshot virtualState = new CpuSnapshot(v, 0x1004,
                1 << Registers.CPL_SHIFT | Registers.FLAG_N | Registers.FLAG_C, 1, 2, 0x3000, 4, 5, 6);

        assertThat(StateDifference.between(nativeState, virtualState)).containsExactly(
                "r1: native 0x00000000, virtual 0x00000001",
                "sp: native 0x00000000, virtual 0x00000100",
                "pc: native 0x00001000, virtual 0x00001004",
                "IF: native 1, virtual 0",
                "CPL: native 0, virtual 1",
                "Z: native 1, virtual 0",
                "N: native 0, virtual 1",
                "C: native 0, virtual 1",
                "V: native 1, virtual 0",
                "cr0: native 0x00000000, virtual 0x00000001",
                "cr2: native 0x00000000, virtual 0x00000002",
                "cr3: native 0x00000000, virtual 0x00003000",
                "cr4: native 0x00000000, virtual 0x00000004",
                "cr5: native 0x00000000, virtual 0x00000005",
                "idtr: native 0x00000000, virtual 0x00000006");
    }
}
