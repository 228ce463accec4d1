package org.vmlab.machine.vt;

/**
 * The VM-instruction error numbers a VMX instruction that fails with a valid current VMCS
 * ("VMfailValid") leaves in {@link VmcsField#VM_INSTRUCTION_ERROR}, as the Intel SDM numbers them
 * (Vol. 3C, "VM Instruction Error Numbers", in the chapter "VMX Instruction Reference").
 */
public final class VmInstructionError {
    private VmInstructionError() {
    }

    /** vmclear with an address not 4 KiB aligned or not in RAM. */
    public static final int VMCLEAR_INVALID_ADDRESS = 2;
    /** vmlaunch of a VMCS whose launch state is not clear. */
    public static final int VMLAUNCH_NON_CLEAR_VMCS = 4;
    /** vmresume of a VMCS whose launch state is not launched. */
    public static final int VMRESUME_NON_LAUNCHED_VMCS = 5;
    /** VM entry with invalid control fields. */
    public static final int ENTRY_INVALID_CONTROL_FIELDS = 7;
    /** VM entry with invalid host-state fields. */
    public static final int ENTRY_INVALID_HOST_STATE = 8;
    /** vmptrld with an address not 4 KiB aligned or not in RAM. */
    public static final int VMPTRLD_INVALID_ADDRESS = 9;
    /** vmptrld of a region whose first word is not {@link Vmcs#REVISION}. */
    public static final int VMPTRLD_INCORRECT_REVISION = 11;
    /** vmread or vmwrite of an encoding no field has. */
    public static final int UNSUPPORTED_VMCS_COMPONENT = 12;
    /** vmwrite to a VM-exit information field. */
    public static final int VMWRITE_READ_ONLY_COMPONENT = 13;
}
