package org.vmlab.machine.vt;

/**
 * The fields of a VMCS, each with the 16-bit encoding that {@code vmread} and {@code vmwrite}
 * name it by. The encodings are those of the Intel SDM (Vol. 3D, appendix B, "Field Encoding in
 * VMCS") for the fields this machine shares with VT-x; the few that are this machine's own (cr2
 * and cr5, which VT-x does not switch or does not have) take unused indices of the same kind
 * (bits 14:13 width, bits 11:10 type, bits 9:1 index), so the bits still say what a field is:
 * type 0 control, 1 VM-exit information (read only), 2 guest state, 3 host state. Every field is
 * 32 bits, the machine's word. Where a field lives in the region is the {@link #slot()}
 * (docs/isa.md, "Hardware-assisted virtualization").
 */
public enum VmcsField {
    // --- VM-execution, VM-exit and VM-entry controls ------------------------------------------
    IO_BITMAP_A(0x2000),
    IO_BITMAP_B(0x2002),
    PIN_BASED_CONTROLS(0x4000),
    PROCESSOR_BASED_CONTROLS(0x4002),
    EXCEPTION_BITMAP(0x4004),
    VM_EXIT_CONTROLS(0x400C),
    VM_ENTRY_CONTROLS(0x4012),
    VM_ENTRY_INTERRUPTION_INFO(0x4016),
    VM_ENTRY_EXCEPTION_ERROR_CODE(0x4018),
    VM_ENTRY_INSTRUCTION_LENGTH(0x401A),
    CR0_GUEST_HOST_MASK(0x6000),
    CR4_GUEST_HOST_MASK(0x6002),
    CR0_READ_SHADOW(0x6004),
    CR4_READ_SHADOW(0x6006),

    // --- VM-exit information (read only) -------------------------------------------------------
    GUEST_PHYSICAL_ADDRESS(0x2400),
    VM_INSTRUCTION_ERROR(0x4400),
    EXIT_REASON(0x4402),
    VM_EXIT_INTERRUPTION_INFO(0x4404),
    VM_EXIT_INTERRUPTION_ERROR_CODE(0x4406),
    VM_EXIT_INSTRUCTION_LENGTH(0x440C),
    EXIT_QUALIFICATION(0x6400),
    GUEST_LINEAR_ADDRESS(0x640A),

    // --- guest state ---------------------------------------------------------------------------
    GUEST_INTERRUPTIBILITY_STATE(0x4824),
    GUEST_ACTIVITY_STATE(0x4826),
    VMX_PREEMPTION_TIMER_VALUE(0x482E),
    GUEST_CR0(0x6800),
    GUEST_CR3(0x6802),
    GUEST_CR4(0x6804),
    GUEST_IDTR_BASE(0x6818),
    GUEST_SP(0x681C),
    GUEST_PC(0x681E),
    GUEST_FLAGS(0x6820),
    /** This machine's own: VT-x leaves CR2 alone. */
    GUEST_CR2(0x6880),
    /** This machine's own: the TLB tag register has no x86 counterpart (VPID is a control there). */
    GUEST_CR5(0x6882),

    // --- host state ----------------------------------------------------------------------------
    HOST_CR0(0x6C00),
    HOST_CR3(0x6C02),
    HOST_CR4(0x6C04),
    HOST_IDTR_BASE(0x6C0E),
    HOST_SP(0x6C14),
    HOST_PC(0x6C16),
    /** This machine's own, as {@link #GUEST_CR5}. */
    HOST_CR5(0x6C82),

    // --- nested paging and VPID (after the others, so that their slots stay) ------------------
    /** The secondary processor-based VM-execution controls, used with {@link VmxControls#PROC_ACTIVATE_SECONDARY_CONTROLS}. */
    SECONDARY_PROCESSOR_BASED_CONTROLS(0x401E),
    /**
     * The EPT pointer: the nested directory's machine address, 4 KiB aligned, in RAM. 64 bits in
     * the SDM (with the memory type and the walk length in bits 11:0); here the low half alone,
     * the directory's address with bits 11:0 zero.
     */
    EPT_POINTER(0x201A),
    /** The virtual-processor identifier that tags the guest's TLB entries, with "enable VPID" (not 0). */
    VIRTUAL_PROCESSOR_ID(0x0000),
    /**
     * VM-exit information (read only): the event being delivered when an EPT violation exited, in
     * the interruption-information layout (valid bit clear if none), for the monitor to inject again.
     */
    IDT_VECTORING_INFO(0x4408),
    /** VM-exit information (read only): that event's error code, if its information says it has one. */
    IDT_VECTORING_ERROR_CODE(0x440A);

    /** The type in bits 11:10 of an encoding that marks the VM-exit information fields. */
    private static final int TYPE_EXIT_INFORMATION = 1;

    private final int encoding;

    VmcsField(int encoding) {
        this.encoding = encoding;
    }

    /** The encoding {@code vmread} and {@code vmwrite} take. */
    public int encoding() {
        return encoding;
    }

    /** True for the VM-exit information fields, which {@code vmwrite} refuses (error 13). */
    public boolean readOnly() {
        return (encoding >>> 10 & 3) == TYPE_EXIT_INFORMATION;
    }

    /** The field's word in the region after the header: {@link Vmcs#FIELDS} + 4 * slot. */
    public int slot() {
        return ordinal();
    }

    /** The field with this encoding, or null if none has it (vmread and vmwrite: error 12). */
    public static VmcsField fromEncoding(int encoding) {
        for (VmcsField field : values()) {
            if (field.encoding == encoding) {
                return field;
            }
        }
        return null;
    }
}
