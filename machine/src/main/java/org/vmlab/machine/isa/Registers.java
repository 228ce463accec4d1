package org.vmlab.machine.isa;

/**
 * Names of the general registers and the layout of FLAGS, the machine status word and the
 * control registers.
 *
 * <p>There are 16 general registers {@code r0}..{@code r15}. {@code r0} always reads as zero and
 * ignores writes; {@code r14} is the stack pointer {@code sp} used by push, pop, call, ret, traps
 * and iret.
 */
public final class Registers {
    private Registers() {
    }

    public static final int COUNT = 16;
    /** The stack pointer, {@code sp}. */
    public static final int SP = 14;

    // FLAGS: condition bits, the interrupt flag and the current privilege level.
    /** Zero: the last compare's result was zero. */
    public static final int FLAG_Z = 1;
    /** Negative: bit 31 of the last compare's result. */
    public static final int FLAG_N = 1 << 1;
    /** Carry: the last compare borrowed (unsigned less-than). */
    public static final int FLAG_C = 1 << 2;
    /** Overflow: the last compare overflowed as a signed subtraction. */
    public static final int FLAG_V = 1 << 3;
    /** The four condition bits. */
    public static final int CONDITION_BITS = FLAG_Z | FLAG_N | FLAG_C | FLAG_V;
    /** Interrupt enable (as in the x86, bit 9). */
    public static final int FLAG_IF = 1 << 9;
    /** The current privilege level occupies bits 13..12. */
    public static final int CPL_SHIFT = 12;
    public static final int CPL_MASK = 3 << CPL_SHIFT;

    // Control registers, numbered as mfcr/mtcr name them (cr0, cr2, ...).
    /** cr0: paging enable, write protect, TLB tagging. */
    public static final int CR0 = 0;
    /** cr2: the virtual address of the last page fault. */
    public static final int CR2 = 2;
    /** cr3: the physical address of the page directory. */
    public static final int CR3 = 3;
    /** cr4: the kernel stack pointer loaded on a trap from outside ring 0. */
    public static final int CR4 = 4;
    /** cr5: the address-space tag of new TLB entries (when tagging is on). */
    public static final int CR5 = 5;
    /** Number of control-register slots; slots 1 and 6..7 are reserved (#GP). */
    public static final int CR_COUNT = 6;

    /** cr0 bit 0: paging enabled. */
    public static final int CR0_PG = 1;
    /** cr0 bit 1: write protect, ring 0-2 writes honour read-only pages. */
    public static final int CR0_WP = 1 << 1;
    /** cr0 bit 2: TLB entries are tagged with cr5; writing cr3 no longer flushes the TLB. */
    public static final int CR0_TAG = 1 << 2;

    /** In the machine status word (smsw), the CPL occupies bits 9..8. */
    public static final int MSW_CPL_SHIFT = 8;

    /** True if {@code n} names an existing control register. */
    public static boolean isControlRegister(int n) {
        return n == CR0 || n == CR2 || n == CR3 || n == CR4 || n == CR5;
    }

    /** The assembly name of register {@code n}: {@code sp} for r14, else {@code rN}. */
    public static String name(int n) {
        return n == SP ? "sp" : "r" + n;
    }
}
