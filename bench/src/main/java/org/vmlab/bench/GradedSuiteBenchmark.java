package org.vmlab.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Engine;
import org.vmlab.machine.EngineFactory;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.Equivalence;

/**
 * Host time of the guest runs that the labs' graded "toyos: every workload" tests make (1.5, 2.5,
 * 3.4, 4.8, 6.10, 6.11; GuestRuns.assertEvery... in {@code labs}): one operation runs every toyos
 * workload on a bare machine and in a VM under the test's techniques, on the test's ISA variant,
 * gathers both runs' observables and compares them at the test's level, and fails if they differ.
 * The techniques are the reference solutions' (registered by name, {@link TechniquePair}), so this
 * measures the suite as it runs when every test passes. The graded tests assemble toyos for every
 * run; here it is assembled once, in the set-up (a millisecond or so a time, 18 times a suite).
 * Everything else is timed: building the machines, the runs, the digests of memory and disk.
 *
 * <p>The primary score is suites per second; "instructions" counts guest instructions of both
 * sides (bare metal and the VM), "cpuNanos" the benchmark thread's CPU time, per second as in
 * {@link VmmBenchmark}. The graded tests run on the interpreter (GuestRuns builds its machines
 * with the default engine); {@code engine=compiled} shows what the suite would take on the block
 * compiler. Run with {@code java -jar bench/target/benchmarks.jar GradedSuiteBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class GradedSuiteBenchmark {

    /** A graded test's guest runs: its techniques, its ISA variant, and how closely it compares. */
    record Suite(String techniques, IsaVariant isa, Equivalence.Level level) {
    }

    /** The graded tests that run every toyos workload, by number, as the labs' tests build them. */
    static final Map<String, Suite> SUITES = Map.of(
            "1.5", new Suite("trap-emulate+identity", IsaVariant.CLASSIC, Equivalence.Level.EXACT),
            "2.5", new Suite("binary-translation+identity", IsaVariant.LEGACY, Equivalence.Level.EXACT),
            "3.4", new Suite("trap-emulate+shadow", IsaVariant.CLASSIC, Equivalence.Level.EXACT),
            "4.8", new Suite("paravirt+pv-mmu", IsaVariant.LEGACY, Equivalence.Level.OBSERVABLE),
            "6.10", new Suite("hardware+shadow", IsaVariant.CLASSIC, Equivalence.Level.EXACT),
            "6.11", new Suite("hardware+nested", IsaVariant.CLASSIC, Equivalence.Level.EXACT));

    @Param({"1.5", "2.5", "3.4", "4.8", "6.10", "6.11"})
    public String test;

    @Param({"interpreter", "compiled"})
    public String engine;

    private Suite suite;
    private TechniquePair techniques;
    private EngineFactory factory;
    private Image nativeKernel;
    private Image vmKernel;



    @Setup(Level.Trial)
    public void choose() {
        suite = SUITES.get(test);
        if (suite == null) {
            throw new IllegalArgumentException("no graded toyos test " + test + " (known: "
                    + new java.util.TreeSet<>(SUITES.keySet()) + ")");
        }
        techniques = TechniquePair.named(suite.techniques());
        factory = Engine.named(engine);
        nativeKernel = Toyos.image(Toyos.Flavor.NATIVE);
        vmKernel = techniques.cpu().paravirtual() ? Toyos.image(Toyos.Flavor.PARAVIRT) : nativeKernel;
    }

    /** Every toyos workload on bare metal and in the VM, compared; fails at the first that differs. */
    @Benchmark
    public long suite(Retired retired) {
        return retired.count(this::everyWorkload);
    }

    /** What the graded test does for every workload: both sides run and compared. */
    private long everyWorkload() {
        long instructions = 0;
        for (String workload : Toyos.workloads()) {
            RunResult bare = ToyosRun.bare(suite.isa(), factory, nativeKernel, workload).result();
            RunResult virtual = ToyosRun.virtualized(suite.isa(), factory, techniques, vmKernel, workload).result();
            Equivalence.Verdict verdict = Equivalence.compare(bare, virtual, suite.level());
            if (!verdict.equivalent()) {
                throw new IllegalStateException("toyos " + workload + " under " + suite.techniques() + ": "
                        + String.join("; ", verdict.differences()));
            }
            instructions += bare.instructions() + virtual.instructions();
        }
        return instructions;
    }
}
