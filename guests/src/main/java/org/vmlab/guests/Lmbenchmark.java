package org.vmlab.guests;

import java.util.List;

/**
 * lmbench's microbenchmarks of the operating system (L. McVoy and C. Staelin, "lmbench: Portable
 * tools for performance analysis", USENIX 1996), the ones Barham et al. ran to compare Xen with
 * native Linux (SOSP 2003, Tables 3 to 5): each a toyos user program ({@code user_workloads.s})
 * that repeats one operation N times, N read from the command line ({@code "lat_null 1000"}).
 * {@link Lmbench} measures them.
 */
public enum Lmbenchmark {
    /** {@code lat_syscall null}: the cheapest system call. */
    NULL_CALL("lat_null", "lat_syscall null", 1, 1000,
            "getpid, the null system call"),
    /** {@code lat_proc fork}: process creation and teardown. */
    FORK("lat_fork", "lat_proc fork", 1, 50,
            "fork a child that exits at once, and wait for it"),
    /** {@code lat_proc exec}: the same, and a new program in the child. */
    EXEC("lat_exec", "lat_proc exec", 1, 20,
            "fork a child that execs a program that exits at once, and wait for it"),
    /** {@code lat_pagefault}: a page brought in on first touch (here a demand-zero heap page). */
    PAGE_FAULT("lat_pagefault", "lat_pagefault", 1, 500,
            "read a fresh heap page (sbrk'd, never touched): a demand-zero fault"),
    /** {@code lat_ctx -s 0 2} (2p/0K): two processes that pass the processor back and forth. */
    CONTEXT_SWITCH("lat_ctx", "lat_ctx -s 0 2", 2, 1000,
            "two processes yield to each other in turn: a context switch (an iteration is two)"),
    /** Heap growth, which lmbench has no tool for: a system call that only moves the break. */
    SBRK("lat_sbrk", "none", 1, 1000,
            "grow the heap by a page without touching it"),
    /**
     * One block read from the disk: a request through the kernel's disk driver to the device and
     * its completion interrupt (lmbench's {@code lmdd} moves whole files; this is one request).
     */
    DISK_READ("lat_disk", "lmdd (one block)", 1, 100,
            "read a 4 KiB block (8 sectors) from the disk: one request and its interrupt"),
    /** {@code lat_udp}: a small message to the other end and its answer; here the echo peer answers. */
    NET_ROUND_TRIP("lat_net", "lat_udp", 1, 100,
            "send a 64-byte frame to the echo peer and receive the echo: a round trip");

    private final String program;
    private final String lmbench;
    private final int operationsPerIteration;
    private final int defaultIterations;
    private final String description;

    Lmbenchmark(String program, String lmbench, int operationsPerIteration, int defaultIterations,
            String description) {
        this.program = program;
        this.lmbench = lmbench;
        this.operationsPerIteration = operationsPerIteration;
        this.defaultIterations = defaultIterations;
        this.description = description;
    }

    /** The toyos program, which is also the benchmark's name in tables: {@code lat_null}. */
    public String id() {
        return program;
    }

    /** The lmbench tool (and its arguments) that measures the same operation, or {@code none}. */
    public String lmbench() {
        return lmbench;
    }

    /**
     * The operations one iteration of the program's loop performs: 2 for {@code lat_ctx}, whose
     * iteration is a round (a yield by each process, two switches), else 1.
     */
    public int operationsPerIteration() {
        return operationsPerIteration;
    }

    /**
     * N for a measurement that takes seconds of host time in all: a thousand of the operations
     * that cost hundreds of cycles natively (enough that the timer's interrupts, one every 10,000
     * instructions, spread evenly), fewer of the dear ones (a fork under shadow paging costs
     * millions of cycles and milliseconds of host time).
     */
    public int defaultIterations() {
        return defaultIterations;
    }

    /** One line: what an iteration does. */
    public String description() {
        return description;
    }

    /**
     * The toyos command line that runs the program {@code iterations} times.
     *
     * @throws IllegalArgumentException if {@code iterations} is outside 0..{@link Lmbench#MAX_ITERATIONS}
     */
    public String commandLine(int iterations) {
        if (iterations < 0 || iterations > Lmbench.MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be in 0.." + Lmbench.MAX_ITERATIONS
                    + ", was " + iterations);
        }
        return program + " " + iterations;
    }

    /**
     * The benchmarks of the operating system, in the order of Barham et al.'s tables (then sbrk):
     * the lmbench experiment's rows.
     */
    public static List<Lmbenchmark> all() {
        return List.of(NULL_CALL, FORK, EXEC, PAGE_FAULT, CONTEXT_SWITCH, SBRK);
    }

    /** The benchmarks of I/O, a disk request and a network round trip: the I/O experiment's. */
    public static List<Lmbenchmark> io() {
        return List.of(DISK_READ, NET_ROUND_TRIP);
    }

    /** Every program, of the operating system and of I/O. */
    public static List<Lmbenchmark> programs() {
        return List.of(values());
    }

    /**
     * The benchmark whose program is {@code id} (case-insensitive).
     *
     * @throws IllegalArgumentException if there is none
     */
    public static Lmbenchmark named(String id) {
        return Catalog.named(programs(), Lmbenchmark::id, id, "lmbench program");
    }
}
