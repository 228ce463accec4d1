package org.vmlab.guests;

import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;

/**
 * Measures the {@linkplain Lmbenchmark lmbench programs} of toyos, in simulated cycles, with no
 * timer in the guest: toyos boots with the command line {@code "lat_null N"}, the program repeats
 * its operation N times and prints a line that does not depend on N, and toyos powers off. Two
 * runs, N and 2N iterations, differ only by N iterations (boot, the first iteration's warm-up,
 * the output and power-off are the same in both), so {@code (cycles(2N) - cycles(N)) / N} is
 * what an iteration costs, loop included, and nothing else.
 *
 * <pre>{@code
 * Lmbench.Result r = Lmbench.measure(Lmbenchmark.NULL_CALL, 1000, Lmbench.bareMetal());
 * r.cyclesPerOperation();   // a getpid round trip, from user mode and back
 * }</pre>
 */
public final class Lmbench {
    /**
     * The most iterations a program takes in one run: {@code lat_pagefault} needs a frame per
     * iteration, and toyos has 2,816 (so a measurement, which also runs 2N, takes at most half).
     */
    public static final int MAX_ITERATIONS = 2000;
    /** The iterations of a program whose command line gives no number ({@code LM_DEFAULT}). */
    public static final int DEFAULT_ITERATIONS = 100;
    /**
     * Instructions an iteration may take at most, for the fuel: an exec, the dearest, retires
     * about 85,000.
     */
    static final long FUEL_PER_ITERATION = 200_000L;

    /** Boots toyos with a command line in a fresh machine or VM and runs it to its end. */
    @FunctionalInterface
    public interface Runner {
        /** Runs toyos with {@code commandLine}, stopping it after {@code fuel} instructions. */
        RunResult run(String commandLine, long fuel);
    }

    /**
     * A benchmark that did not do what it should: the guest did not power off, or did not print
     * its "ok" line. There is no figure to give.
     */
    public static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * One measurement: the cycles of a run of N iterations and of a run of 2N.
     *
     * @param benchmark   what was measured
     * @param iterations  N
     * @param cycles      the cycles of the run of N iterations
     * @param cyclesTwice the cycles of the run of 2N iterations
     */
    public record Result(Lmbenchmark benchmark, int iterations, long cycles, long cyclesTwice) {
        public Result {
            if (iterations <= 0) {
                throw new IllegalArgumentException("iterations must be positive, was " + iterations);
            }
        }

        /**
         * {@code (cyclesTwice - cycles) / (iterations * operations per iteration)}: one operation
         * with its share of the loop around it.
         */
        public double cyclesPerOperation() {
            return (double) (cyclesTwice - cycles) / ((long) iterations * benchmark.operationsPerIteration());
        }
    }

    private Lmbench() {
    }

    /** The console output of every complete run of {@code benchmark}, whatever its N. */
    public static String expectedOutput(Lmbenchmark benchmark) {
        return Toyos.framed(benchmark.id() + ": ok\n");
    }

    /**
     * True if {@code commandLine} runs an lmbench program: its name, alone or followed by a space
     * and a count in 0..{@link #MAX_ITERATIONS} ({@code "lat_null"}, {@code "lat_null 1000"}).
     */
    public static boolean isCommandLine(String commandLine) {
        String[] words = commandLine.split(" ", -1);
        if (words.length > 2 || Lmbenchmark.programs().stream().noneMatch(b -> b.id().equals(words[0]))) {
            return false;
        }
        return words.length == 1 || words[1].matches("[0-9]{1,4}") && Integer.parseInt(words[1]) <= MAX_ITERATIONS;
    }

    /** Fuel enough for a run of {@code iterations} iterations of any program. */
    public static long fuel(int iterations) {
        return Toyos.FUEL + iterations * FUEL_PER_ITERATION;
    }

    /** Runs the native kernel on a fresh bare machine of the default configuration. */
    public static Runner bareMetal() {
        Image kernel = Toyos.image(Toyos.Flavor.NATIVE);
        return (commandLine, fuel) -> {
            Machine machine = new Machine(MachineConfig.builder().fuel(fuel).build());
            Toyos.boot(machine, kernel, commandLine);
            return machine.run();
        };
    }

    /**
     * Measures {@code benchmark}: runs it through {@code runner} with {@code iterations} and with
     * twice as many iterations.
     *
     * @throws IllegalArgumentException if {@code iterations} is outside 1..{@link #MAX_ITERATIONS} / 2
     * @throws Failed                   if a run did not power off with the expected output
     */
    public static Result measure(Lmbenchmark benchmark, int iterations, Runner runner) {
        if (iterations <= 0 || 2 * iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be in 1.." + MAX_ITERATIONS / 2
                    + ", was " + iterations);
        }
        long once = cycles(benchmark, iterations, runner);
        long twice = cycles(benchmark, 2 * iterations, runner);
        return new Result(benchmark, iterations, once, twice);
    }

    private static long cycles(Lmbenchmark benchmark, int iterations, Runner runner) {
        return run(benchmark, iterations, runner).cycles();
    }

    /**
     * Runs {@code benchmark}'s program {@code iterations} times through {@code runner}, and checks
     * that it did what it should.
     *
     * @throws Failed if the run did not power off with the expected output
     */
    public static RunResult run(Lmbenchmark benchmark, int iterations, Runner runner) {
        String commandLine = benchmark.commandLine(iterations);
        RunResult run = runner.run(commandLine, fuel(iterations));
        if (run.stopReason() != StopReason.HALT) {
            throw new Failed("\"" + commandLine + "\" did not power off: " + run.stopReason()
                    + (run.stopDetail() == null || run.stopDetail().isEmpty() ? "" : ", " + run.stopDetail()));
        }
        if (!run.console().equals(expectedOutput(benchmark))) {
            throw new Failed("\"" + commandLine + "\" did not print \"" + benchmark.id() + ": ok\": "
                    + lastLines(run.console()));
        }
        return run;
    }

    /** The console's lines after toyos's banner, on one line, for a message. */
    private static String lastLines(String console) {
        String shown = console.strip().replace("\n", " | ");
        return shown.length() <= 200 ? shown : "..." + shown.substring(shown.length() - 200);
    }
}
