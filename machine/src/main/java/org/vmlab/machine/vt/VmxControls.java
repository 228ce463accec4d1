package org.vmlab.machine.vt;

/**
 * The bits of the VMCS's control fields that this machine implements, at the positions the Intel
 * SDM gives them (Vol. 3C, "VM-Execution Control Fields", "VM-Exit Control Fields", "VM-Entry
 * Control Fields"), and the layout of the interruption-information fields. Every other bit of a
 * control field is reserved: a VM entry with one set fails with error 7.
 */
public final class VmxControls {
    private VmxControls() {
    }

    // Pin-based VM-execution controls.
    /** A device interrupt exits, whatever the guest's IF. */
    public static final int PIN_EXTERNAL_INTERRUPT_EXITING = 1;
    /** The VMX-preemption timer counts down in non-root mode and exits at 0. */
    public static final int PIN_ACTIVATE_PREEMPTION_TIMER = 1 << 6;
    public static final int PIN_DEFINED = PIN_EXTERNAL_INTERRUPT_EXITING | PIN_ACTIVATE_PREEMPTION_TIMER;

    // Primary processor-based VM-execution controls.
    /** Exit before any instruction at which the guest could take an interrupt. */
    public static final int PROC_INTERRUPT_WINDOW_EXITING = 1 << 2;
    public static final int PROC_HLT_EXITING = 1 << 7;
    public static final int PROC_INVLPG_EXITING = 1 << 9;
    /** {@code mtcr cr3} exits. */
    public static final int PROC_CR3_LOAD_EXITING = 1 << 15;
    /** {@code mfcr cr3} exits. */
    public static final int PROC_CR3_STORE_EXITING = 1 << 16;
    /** Every {@code in} and {@code out} exits (ignored when the I/O bitmaps are used). */
    public static final int PROC_UNCONDITIONAL_IO_EXITING = 1 << 24;
    /** {@code in} and {@code out} exit where the I/O bitmaps have the port's bit set. */
    public static final int PROC_USE_IO_BITMAPS = 1 << 25;
    /** The secondary processor-based controls apply (else they are taken as 0). */
    public static final int PROC_ACTIVATE_SECONDARY_CONTROLS = 1 << 31;
    public static final int PROC_DEFINED = PROC_INTERRUPT_WINDOW_EXITING | PROC_HLT_EXITING
            | PROC_INVLPG_EXITING | PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING
            | PROC_UNCONDITIONAL_IO_EXITING | PROC_USE_IO_BITMAPS | PROC_ACTIVATE_SECONDARY_CONTROLS;

    // Secondary processor-based VM-execution controls.
    /** Guest addresses are translated through the nested tables at the EPT pointer. */
    public static final int SECONDARY_ENABLE_EPT = 1 << 1;
    /** The guest's TLB entries are tagged with its VPID: VM entries and exits do not flush. */
    public static final int SECONDARY_ENABLE_VPID = 1 << 5;
    public static final int SECONDARY_DEFINED = SECONDARY_ENABLE_EPT | SECONDARY_ENABLE_VPID;

    // VM-exit controls.
    /** An external-interrupt exit acknowledges the interrupt and records its vector. */
    public static final int EXIT_ACKNOWLEDGE_INTERRUPT = 1 << 15;
    /** A VM exit saves what is left of the preemption timer in its field. */
    public static final int EXIT_SAVE_PREEMPTION_TIMER = 1 << 22;
    public static final int EXIT_DEFINED = EXIT_ACKNOWLEDGE_INTERRUPT | EXIT_SAVE_PREEMPTION_TIMER;

    /** VM-entry controls: none is implemented, every bit is reserved. */
    public static final int ENTRY_DEFINED = 0;

    // Interruption information (VM-entry and VM-exit): bits 7:0 vector, 10:8 type, 11 error code
    // valid, 31 valid.
    public static final int INFO_VALID = 1 << 31;
    public static final int INFO_ERROR_CODE_VALID = 1 << 11;
    public static final int INFO_TYPE_SHIFT = 8;
    public static final int TYPE_EXTERNAL_INTERRUPT = 0;
    public static final int TYPE_HARDWARE_EXCEPTION = 3;
    public static final int TYPE_SOFTWARE_INTERRUPT = 4;
    /** The bits of an interruption-information field that mean something. */
    public static final int INFO_DEFINED = INFO_VALID | INFO_ERROR_CODE_VALID | 7 << INFO_TYPE_SHIFT | 0xFF;

    /** A valid interruption-information word. */
    public static int interruptionInfo(int vector, int type, boolean errorCode) {
        return INFO_VALID | type << INFO_TYPE_SHIFT | (errorCode ? INFO_ERROR_CODE_VALID : 0) | vector & 0xFF;
    }

    // Guest interruptibility state and activity state.
    /** Blocking by STI: the guest's sti shadow was on. */
    public static final int INTERRUPTIBILITY_STI = 1;
    public static final int ACTIVITY_ACTIVE = 0;
    /** The guest waits in {@code hlt} with IF = 1. */
    public static final int ACTIVITY_HLT = 1;

    // Exit qualification of control-register accesses: bits 3:0 the register, 5:4 the access
    // type, 11:8 the general register.
    public static final int CR_ACCESS_TO_CR = 0;
    public static final int CR_ACCESS_FROM_CR = 1;

    /** The qualification of a control-register access exit. */
    public static int crAccessQualification(int cr, int accessType, int register) {
        return cr & 0xF | accessType << 4 | (register & 0xF) << 8;
    }

    // Exit qualification of I/O instructions: bits 2:0 size - 1 (always 3, a word), bit 3
    // direction (1 = in), bit 6 operand encoding (1 = immediate port), bits 11:8 the general
    // register (this machine's own: the x86 always uses eax), bits 31:16 the port.
    public static final int IO_IN = 1 << 3;

    /** The qualification of an I/O instruction exit. */
    public static int ioQualification(int port, boolean in, int register) {
        return 3 | (in ? IO_IN : 0) | 1 << 6 | (register & 0xF) << 8 | port << 16;
    }
}
