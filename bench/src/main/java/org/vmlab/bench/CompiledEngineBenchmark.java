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
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.Engine;
import org.vmlab.machine.EngineFactory;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;

/**
 * Host speed of the interpreter and of the compiled engine side by side, on a tight arithmetic
 * loop (toyos's checksum loop, in ring 0 without paging, to {@code hlt}) and on toyos's
 * {@code compute} workload booted natively (paging, timer preemption, system calls): guest
 * instructions per host second, the "instructions" line of the result. Both engines retire exactly the same
 * instructions (the differential tests hold them to it), so the ratio of the two lines is the
 * compiled engine's speed-up.
 * Run with {@code java -jar bench/target/benchmarks.jar CompiledEngineBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompiledEngineBenchmark {
    /** The loop: 7 instructions an iteration, 200,000 iterations. */
    static final String LOOP = """
                ori r2, r0, 7
                li r3, 200000
                li r5, 1103515245
            loop:
                mul r2, r2, r5
                addi r2, r2, 12345
                shri r6, r2, 15
                xor r2, r2, r6
                addi r3, r3, -1
                cmp r3, r0
                bne loop
                hlt
            """;
    private static final long FUEL = Toyos.FUEL;

    @Param({"interpreter", "compiled"})
    public String engine;

    /** {@code loop}, or {@code toyos-compute}. */
    @Param({"loop", "toyos-compute"})
    public String program;

    private Image image;
    private Machine machine;


    @Setup(Level.Trial)
    public void assemble() throws AssemblyException {
        image = program.equals("loop") ? Assembler.assembleSource(LOOP) : Toyos.image(Toyos.Flavor.NATIVE);
    }

    @Setup(Level.Invocation)
    public void load() {
        EngineFactory factory = Engine.named(engine);
        machine = new Machine(MachineConfig.builder().fuel(FUEL).engine(factory).build());
        if (program.equals("loop")) {
            machine.load(image);
        } else {
            Toyos.boot(machine, image, "compute");
        }
    }

    /** Runs the program to its end ({@code hlt}, or toyos's power-off). */
    @Benchmark
    public long run(Retired retired) {
        return retired.count(() -> {
            StopReason reason = machine.cpu().run(FUEL);
            if (reason != StopReason.HALT) {
                throw new IllegalStateException("the program did not finish: " + machine.cpu().stopDetail());
            }
            return machine.cpu().instructions();
        });
    }
}
