package org.vmlab.machine.vt;

/**
 * Why a VM exit happened: the basic exit reasons this machine produces, numbered as in the Intel
 * SDM (Vol. 3D, appendix C, "VMX Basic Exit Reasons"). The exit-reason field holds the number in
 * bits 15:0 and, for a VM entry that failed on the guest state, bit 31 ({@link #ENTRY_FAILURE}).
 */
public enum VmExitReason {
    /** An exception the exception bitmap selects; interruption information says which. */
    EXCEPTION_OR_NMI(0),
    /** A device interrupt, with external-interrupt exiting. */
    EXTERNAL_INTERRUPT(1),
    /** A fault while delivering a double fault in the guest. */
    TRIPLE_FAULT(2),
    /** The guest can take an interrupt (IF = 1, no sti shadow), with interrupt-window exiting. */
    INTERRUPT_WINDOW(7),
    /** {@code hlt}, with HLT exiting, or with IF = 0 (the guest cannot power the machine off). */
    HLT(12),
    /** {@code invlpg}, with INVLPG exiting; the qualification is the address. */
    INVLPG(14),
    VMCALL(18),
    VMCLEAR(19),
    VMLAUNCH(20),
    VMPTRLD(21),
    VMREAD(23),
    VMRESUME(24),
    VMWRITE(25),
    /** {@code mtcr} or {@code mfcr} the controls select; the qualification says which (docs/isa.md). */
    CONTROL_REGISTER_ACCESS(28),
    /** {@code in} or {@code out} the I/O controls select; the qualification says which. */
    IO_INSTRUCTION(30),
    /** The VM entry found the guest state invalid (with bit 31 set): nothing was entered. */
    INVALID_GUEST_STATE(33),
    /**
     * A guest access the nested tables refuse (docs/isa.md, "Nested paging"): the qualification is
     * the SDM's, the guest-physical and guest-linear address fields say where.
     */
    EPT_VIOLATION(48),
    /** The VMX-preemption timer counted down to 0. */
    PREEMPTION_TIMER(52);

    /** Bit 31 of the exit-reason field: the VM entry failed. */
    public static final int ENTRY_FAILURE = 1 << 31;

    private final int number;

    VmExitReason(int number) {
        this.number = number;
    }

    /** The basic exit reason, as the SDM numbers it. */
    public int number() {
        return number;
    }

    /** The reason whose number is bits 15:0 of {@code exitReasonField}, or null. */
    public static VmExitReason of(int exitReasonField) {
        int basic = exitReasonField & 0xFFFF;
        for (VmExitReason reason : values()) {
            if (reason.number == basic) {
                return reason;
            }
        }
        return null;
    }
}
