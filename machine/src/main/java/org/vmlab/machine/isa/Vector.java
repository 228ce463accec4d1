package org.vmlab.machine.isa;

/**
 * Interrupt vectors: the slots of the interrupt table used by exceptions and by the devices.
 *
 * <p>The numbering follows the x86 where a counterpart exists, so lecture slides read the same.
 */
public final class Vector {
    private Vector() {
    }

    /** #DE: division by zero. */
    public static final int DIVIDE_ERROR = 0;
    /** #UD: the word at pc is not an instruction. */
    public static final int INVALID_OPCODE = 6;
    /** #DF: a fault while delivering a fault. A fault while delivering #DF stops the machine. */
    public static final int DOUBLE_FAULT = 8;
    /** #GP: a privileged instruction outside ring 0, a bad control register, a bad gate. */
    public static final int GENERAL_PROTECTION = 13;
    /** #PF: page fault; the error code says why, cr2 holds the address. */
    public static final int PAGE_FAULT = 14;
    /** #AC: a misaligned word access. */
    public static final int ALIGNMENT_CHECK = 17;
    /** External interrupt line 0 of the interrupt controller is delivered at this vector. */
    public static final int IRQ_BASE = 32;
    /** The number of entries of the interrupt table. */
    public static final int COUNT = 256;

    /** Page-fault error code: the page was present (a protection violation). */
    public static final int PF_PRESENT = 1;
    /** Page-fault error code: the access was a write. */
    public static final int PF_WRITE = 1 << 1;
    /** Page-fault error code: the access came from ring 3. */
    public static final int PF_USER = 1 << 2;
    /** Page-fault error code: the access was an instruction fetch. */
    public static final int PF_FETCH = 1 << 4;

}
