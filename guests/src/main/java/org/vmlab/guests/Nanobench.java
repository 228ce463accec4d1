package org.vmlab.guests;

import java.util.Map;
import java.util.Map.Entry;
import org.vmlab.machine.MachineConfig;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.asm.SourceLoader;
import org.vmlab.machine.Machine;
import org.vmlab.machine.image.Image;

/**
 * Builds and measures the {@linkplain Nanobenchmark nanobenchmarks}.
 *
 * <p>An image is a standalone guest kernel ({@code nanobench/nanobench.s}, assembled with
 * {@code BENCH} and {@code ITERATIONS}) that boots, runs its operation {@code ITERATIONS} times,
 * prints {@code nanobench NAME: done} and powers off. {@link #measure} runs it with N and with 2N
 * iterations and takes {@code (cycles(2N) - cycles(N)) / N}: boot and power-off cancel out.
 *
 * <pre>{@code
 * Measurement m = Nanobench.measure(Nanobenchmark.SYSCALL, 1000,
 *         CycleCounter.bareMetal(MachineConfig.defaults()));
 * m.cyclesPerIteration();   // the cost of one null system call, plus 3 cycles of loop
 * }</pre>
 */
public final class Nanobench {
    /** The main source, as a classpath resource path; it includes the body BENCH selects. */
    public static final String MAIN_SOURCE = "org/vmlab/guests/nanobench/nanobench.s";
    /** The define that selects the benchmark ({@link Nanobenchmark#number()}). */
    public static final String BENCH_DEFINE = "BENCH";
    /** The define that sets the loop count. */
    public static final String ITERATIONS_DEFINE = "ITERATIONS";

    private Nanobench() {
    }

    /**
     * The image of {@code benchmark} looping {@code iterations} times.
     *
     * @throws IllegalArgumentException if {@code iterations} is not positive
     */
    public static Image image(Nanobenchmark benchmark, int iterations) {
        if (iterations <= 0) {
            throw new IllegalArgumentException("iterations must be positive, was " + iterations);
        }
        Assembler assembler = new Assembler(SourceLoader.classpath(Nanobench.class.getClassLoader()));
        try {
            return assembler.assemble(MAIN_SOURCE, Map.of(BENCH_DEFINE, benchmark.number(),
                    ITERATIONS_DEFINE, iterations));
        } catch (AssemblyException e) {
            throw new IllegalStateException("nanobench does not assemble: " + e.getMessage(), e);
        }
    }

    /** Loads the image of {@code benchmark} with {@code iterations} into a fresh machine. */
    public static void load(Machine machine, Nanobenchmark benchmark, int iterations) {
        machine.load(image(benchmark, iterations));
    }

    /** The console output of every complete run of {@code benchmark}. */
    public static String expectedOutput(Nanobenchmark benchmark) {
        return "nanobench " + benchmark.id() + ": done\n";
    }

    /**
     * Measures {@code benchmark}: runs it with {@code iterations} and with twice as many
     * iterations, each through {@code counter}.
     */
    public static Measurement measure(Nanobenchmark benchmark, int iterations,
                                      CycleCounter counter) {
        long once = counter.cycles(image(benchmark, iterations));
        long twice = counter.cycles(image(benchmark, 2 * iterations));
        return new Measurement(benchmark, iterations, once, twice);
    }

    /** A Markdown table of cycles per iteration, one row per benchmark, as docs/guests-bench.md has it. */
    public static String table(Map<Nanobenchmark, Double> cyclesPerIteration) {
        StringBuilder s = new StringBuilder("| benchmark | what it measures | cycles per iteration |\n"
                + "|---|---|---:|\n");
        for (Entry<Nanobenchmark, Double> e : cyclesPerIteration.entrySet()) {
            s.append(String.format("| `%s` | %s | %,.0f |%n", e.getKey().id(), e.getKey().measures(),
                    e.getValue()));
        }
        return s.toString();
    }

    /** Prints the native figures of every benchmark (1,000 and 2,000 iterations) as a table. */
    public static void main(String[] args) {
        CycleCounter bare = CycleCounter.bareMetal(MachineConfig.defaults());
        Map<Nanobenchmark, Double> figures = new java.util.EnumMap<>(Nanobenchmark.class);
        for (Nanobenchmark b : Nanobenchmark.all()) {
            figures.put(b, measure(b, 1000, bare).cyclesPerIteration());
        }
        System.out.print(table(figures));
    }
}
