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
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;

/**
 * Host speed of the interpreter: guest instructions per host second, booting toyos natively and
 * running one workload to power-off (the time to gather the run's observables afterwards is
 * not included).
 *
 * <p>The "instructions" line of the result is the figure that matters (guest instructions retired
 * per second, counted by the machine); the primary score counts whole boots per second. The
 * "cpuNanos" line is the CPU time the benchmark's thread was given per second of the run (10^9
 * when it had a core to itself): on a shared host, instructions / (cpuNanos / 10^9) is the rate
 * per CPU-second, which another process taking the core does not lower.
 * Run with {@code java -jar bench/target/benchmarks.jar InterpreterBenchmark} (bench/README.md).
 *
 * <p>Five forks by default: how fast the interpreter runs is decided by how the JIT compiled its
 * loop in that JVM, so one fork says little.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(5)
public class InterpreterBenchmark {

    @Param({"compute"})
    public String workload;

    @Param({"classic"})
    public String isa;

    private Image kernel;
    private Machine machine;



    @Setup(Level.Trial)
    public void assemble() {
        kernel = Toyos.image(Toyos.Flavor.NATIVE);
    }

    @Setup(Level.Invocation)
    public void boot() {
        machine = new Machine(MachineConfig.builder()
                .isa(IsaVariant.named(isa).orElseThrow()).fuel(Toyos.FUEL).build());
        Toyos.boot(machine, kernel, workload);
    }

    /** Executes the workload to power-off; the run's observables are not gathered. */
    @Benchmark
    public long run(Retired retired) {
        return retired.count(() -> {
            StopReason reason = machine.cpu().run(Toyos.FUEL);
            if (reason != StopReason.HALT) {
                throw new IllegalStateException("the workload did not finish: " + machine.cpu().stopDetail());
            }
            return machine.cpu().instructions();
        });
    }
}
