package org.vmlab.guests;

import java.util.List;

/**
 * The nanobenchmarks of Adams and Agesen ("A comparison of software and hardware techniques for
 * x86 virtualization", ASPLOS 2006, section 6.1, Figure 4): one operation each that a virtual
 * machine monitor may have to intervene in, repeated in a loop by a standalone guest kernel
 * ({@code nanobench/nanobench.s}). {@link Nanobench} builds and measures them.
 */
public enum Nanobenchmark {
    /** A null system call from ring 3. */
    SYSCALL(1, "syscall", "user-mode int to a kernel handler that irets",
            "a system call's round trip: trap entry from ring 3 and iret"),
    /** A port read in the kernel. */
    IN(2, "in", "the kernel reads the interrupt controller's mask port",
            "an I/O port access, which a VMM must intercept"),
    /** A control-register write in the kernel (A&A wrote cr8; this machine rewrites cr4). */
    CR_WRITE(3, "cr-write", "the kernel rewrites cr4 with its own value",
            "a privileged control-register write"),
    /** A call and an immediate return in the kernel. */
    CALL_RET(4, "call-ret", "the kernel calls a function that returns at once",
            "an indirect branch (ret), the cost binary translation adds"),
    /** A page fault from ring 3 that the kernel resolves by mapping the page. */
    PGFAULT(5, "pgfault", "user mode touches an absent page; the handler maps it, unmaps the other",
            "a guest page fault and the page-table writes that resolve it"),
    /** A divide error in the kernel whose handler skips the instruction. */
    DIVZERO(6, "divzero", "the kernel divides by zero; the handler skips the div",
            "an exception delivered to and handled by the guest kernel"),
    /** A page-table-entry write and an invlpg in the kernel. */
    PTEMOD(7, "ptemod", "the kernel repoints a PTE at the other of two frames and invlpg's it",
            "a page-table update, which shadow paging must trace");

    private final int number;
    private final String id;
    private final String description;
    private final String measures;

    Nanobenchmark(int number, String id, String description, String measures) {
        this.number = number;
        this.id = id;
        this.description = description;
        this.measures = measures;
    }

    /** The value of the {@code BENCH} define that selects this body in {@code nanobench.s}. */
    public int number() {
        return number;
    }

    /** The name, as A&A spell it (with {@code cr-write} for their {@code cr8wr}). */
    public String id() {
        return id;
    }

    /** One line: what the loop does. */
    public String description() {
        return description;
    }

    /** What the figure measures. */
    public String measures() {
        return measures;
    }

    /** Every benchmark, in A&A's order. */
    public static List<Nanobenchmark> all() {
        return List.of(values());
    }

    /**
     * The benchmark called {@code id} ({@link #id()}, case-insensitive).
     *
     * @throws IllegalArgumentException if there is none
     */
    public static Nanobenchmark named(String id) {
        return Catalog.named(all(), Nanobenchmark::id, id, "nanobenchmark");
    }
}
