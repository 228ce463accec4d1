package org.vmlab.machine.vt;

import static org.vmlab.machine.isa.Registers.CONDITION_BITS;
import static org.vmlab.machine.isa.Registers.CPL_MASK;
import static org.vmlab.machine.isa.Registers.FLAG_IF;

import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * The checks a VM entry makes before it loads anything (Intel SDM Vol. 3C, "VM Entries":
 * "Checks on VMX Controls and Host-State Area", then "Checking and Loading Guest State"), in that
 * order. Controls or host state that fail make the entry fail with a VM-instruction error
 * (VMfailValid: nothing is loaded, the monitor goes on); guest state that fails makes it fail
 * as a VM exit with reason {@link VmExitReason#INVALID_GUEST_STATE} and bit 31 set.
 */
public final class VmEntryCheck {
    private static final int CR0_DEFINED = Registers.CR0_PG | Registers.CR0_WP | Registers.CR0_TAG;
    private static final int FLAGS_DEFINED = CONDITION_BITS | FLAG_IF | CPL_MASK;

    private VmEntryCheck() {
    }

    /** 0 if the control fields are valid, else {@link VmInstructionError#ENTRY_INVALID_CONTROL_FIELDS}. */
    public static int controls(Vmcs vmcs, PhysicalMemory memory) {
        int proc = vmcs.read(VmcsField.PROCESSOR_BASED_CONTROLS);
        boolean valid = (vmcs.read(VmcsField.PIN_BASED_CONTROLS) & ~VmxControls.PIN_DEFINED) == 0
                && (proc & ~VmxControls.PROC_DEFINED) == 0
                && (vmcs.read(VmcsField.VM_EXIT_CONTROLS) & ~VmxControls.EXIT_DEFINED) == 0
                && (vmcs.read(VmcsField.VM_ENTRY_CONTROLS) & ~VmxControls.ENTRY_DEFINED) == 0
                && validInjection(vmcs);
        if (valid && (proc & VmxControls.PROC_USE_IO_BITMAPS) != 0) {
            valid = Vmcs.isValidAddress(memory, vmcs.read(VmcsField.IO_BITMAP_A))
                    && Vmcs.isValidAddress(memory, vmcs.read(VmcsField.IO_BITMAP_B));
        }
        if (valid && (proc & VmxControls.PROC_ACTIVATE_SECONDARY_CONTROLS) != 0) {
            valid = validSecondary(vmcs, memory);
        }
        return valid ? 0 : VmInstructionError.ENTRY_INVALID_CONTROL_FIELDS;
    }

    /**
     * The secondary controls (SDM 26.2.1.1): no reserved bit; with "enable VPID" a VPID other than
     * 0, which is root mode's; with "enable EPT" an EPT pointer whose directory is a 4 KiB aligned
     * page of RAM (the SDM's bits 11:0 of memory type and walk length have no counterpart: 0).
     */
    private static boolean validSecondary(Vmcs vmcs, PhysicalMemory memory) {
        int secondary = vmcs.read(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS);
        int eptPointer = vmcs.read(VmcsField.EPT_POINTER);
        return (secondary & ~VmxControls.SECONDARY_DEFINED) == 0
                && ((secondary & VmxControls.SECONDARY_ENABLE_VPID) == 0
                    || (vmcs.read(VmcsField.VIRTUAL_PROCESSOR_ID) & 0xFFFF) != 0)
                && ((secondary & VmxControls.SECONDARY_ENABLE_EPT) == 0
                    || (eptPointer & 0xFFF) == 0 && memory.contains(eptPointer, PhysicalMemory.PAGE_SIZE));
    }

    /** An event to inject: a known type, an exception's vector below 32, no reserved bit. */
    private static boolean validInjection(Vmcs vmcs) {
        int info = vmcs.read(VmcsField.VM_ENTRY_INTERRUPTION_INFO);
        if ((info & VmxControls.INFO_VALID) == 0) {
            return true;
        }
        int type = info >>> VmxControls.INFO_TYPE_SHIFT & 7;
        int vector = info & 0xFF;
        boolean errorCode = (info & VmxControls.INFO_ERROR_CODE_VALID) != 0;
        return (info & ~VmxControls.INFO_DEFINED) == 0
                && (type == VmxControls.TYPE_EXTERNAL_INTERRUPT
                    || type == VmxControls.TYPE_HARDWARE_EXCEPTION && vector < 32
                    || type == VmxControls.TYPE_SOFTWARE_INTERRUPT)
                && (!errorCode || type == VmxControls.TYPE_HARDWARE_EXCEPTION)
                && (type != VmxControls.TYPE_SOFTWARE_INTERRUPT
                    || vmcs.read(VmcsField.VM_ENTRY_INSTRUCTION_LENGTH) == 4);
    }

    /** 0 if the host-state fields are valid, else {@link VmInstructionError#ENTRY_INVALID_HOST_STATE}. */
    public static int hostState(Vmcs vmcs) {
        boolean valid = (vmcs.read(VmcsField.HOST_CR0) & ~CR0_DEFINED) == 0
                && (vmcs.read(VmcsField.HOST_CR3) & 0xFFF) == 0
                && (vmcs.read(VmcsField.HOST_PC) & 3) == 0;
        return valid ? 0 : VmInstructionError.ENTRY_INVALID_HOST_STATE;
    }

    /** True if the guest-state fields are valid. */
    public static boolean guestState(Vmcs vmcs) {
        int flags = vmcs.read(VmcsField.GUEST_FLAGS);
        int interruptibility = vmcs.read(VmcsField.GUEST_INTERRUPTIBILITY_STATE);
        int activity = vmcs.read(VmcsField.GUEST_ACTIVITY_STATE);
        return (vmcs.read(VmcsField.GUEST_CR0) & ~CR0_DEFINED) == 0
                && (vmcs.read(VmcsField.GUEST_CR3) & 0xFFF) == 0
                && (vmcs.read(VmcsField.GUEST_PC) & 3) == 0
                && (flags & ~FLAGS_DEFINED) == 0
                && (interruptibility & ~VmxControls.INTERRUPTIBILITY_STI) == 0
                // blocking by STI needs IF = 1, and a waiting guest needs IF = 1 to wake up
                && ((interruptibility & VmxControls.INTERRUPTIBILITY_STI) == 0 || (flags & FLAG_IF) != 0)
                && (activity == VmxControls.ACTIVITY_ACTIVE
                    || activity == VmxControls.ACTIVITY_HLT && (flags & FLAG_IF) != 0);
    }
}
