package org.vmlab.bench;

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
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;

/**
 * Host speed of the VMM, technique by technique: a toyos workload run to power-off in a VM alone
 * under a pair of techniques, or natively on a bare machine ({@code bare}), on either execution
 * engine. A fresh host machine, VMM and VM for every operation, built in the untimed set-up; the
 * run's observables are not gathered.
 *
 * <p>The "instructions" line is the figure that matters: guest instructions retired per second
 * (the VM's, not the VMM's Java code). The ratio of {@code bare}'s rate to a technique's, with the
 * same engine and workload, is the technique's host-time overhead. A paravirtual technique runs
 * the paravirtual kernel, a different program (its instruction count differs from the native
 * kernel's), so for it compare the primary score, whole runs per second, too. The "cpuNanos"
 * line is the CPU time the benchmark thread was given per second (10^9: a core to itself), as in
 * {@link InterpreterBenchmark}. Run with {@code java -jar bench/target/benchmarks.jar VmmBenchmark}
 * (bench/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VmmBenchmark {
    /** {@code bare}, or a CPU and a memory technique as {@link TechniquePair} spells them. */
    @Param({"bare", "trap-emulate+shadow", "binary-translation+shadow", "paravirt+pv-mmu",
            "hardware+shadow", "hardware+nested"})
    public String technique;

    @Param({"interpreter", "compiled"})
    public String engine;

    /** A toyos workload: arithmetic in user mode, getpid system calls, demand paging and fork. */
    @Param({"compute", "syscall", "pagefault"})
    public String workload;

    @Param({"classic"})
    public String isa;

    private IsaVariant variant;
    private EngineFactory factory;
    private TechniquePair techniques;   // null for bare
    private Image kernel;
    private ToyosRun run;



    @Setup(Level.Trial)
    public void choose() {
        variant = IsaVariant.named(isa).orElseThrow(() -> new IllegalArgumentException("no ISA variant " + isa));
        factory = Engine.named(engine);
        techniques = technique.equals("bare") ? null : TechniquePair.named(technique);
        kernel = Toyos.image(techniques != null && techniques.cpu().paravirtual()
                ? Toyos.Flavor.PARAVIRT : Toyos.Flavor.NATIVE);
    }

    @Setup(Level.Invocation)
    public void boot() {
        run = techniques == null ? ToyosRun.bare(variant, factory, kernel, workload)
                : ToyosRun.virtualized(variant, factory, techniques, kernel, workload);
    }

    /** Runs the workload to power-off. */
    @Benchmark
    public long run(Retired retired) {
        return retired.count(run::toEnd);
    }
}
