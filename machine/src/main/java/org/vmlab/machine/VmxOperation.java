package org.vmlab.machine;

import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmEntryCheck;
import org.vmlab.machine.vt.VmInstructionError;
import org.vmlab.machine.vt.VmxControls;

/**
 * The processor's VMX operation, on a machine with the {@code vt} feature: the current VMCS,
 * whether the processor is in root or non-root mode, and, in non-root mode, the controls of the
 * VMCS it entered, read once at VM entry (as a processor caches them; a monitor changes them
 * between exits). The {@link Interpreter} asks this what exits on its slow paths (system
 * instructions, traps, interrupts) and does the transitions; the results of the VMX
 * instructions are the SDM's: 0 (VMsucceed), {@link #FAIL_INVALID} (no current VMCS), or a
 * VM-instruction error number (VMfailValid, also written to the VMCS).
 */
final class VmxOperation {
    /** VMfailInvalid: the instruction needed a current VMCS and there is none. */
    static final int FAIL_INVALID = -1;

    private final PhysicalMemory memory;
    private Vmcs current;
    private boolean nonRoot;
    private boolean enteredFromJava;

    // The controls of the VMCS entered, for the length of non-root operation.
    private int pin;
    private int proc;
    private int exitControls;
    private int exceptionBitmap;
    private int cr0Mask;
    private int cr0Shadow;
    private int cr4Mask;
    private int cr4Shadow;
    private int ioBitmapA;
    private int ioBitmapB;
    private long timerDeadline = Long.MAX_VALUE;
    private int eptPointer = Mmu.NO_NESTED_PAGING;
    private int vpid;

    VmxOperation(PhysicalMemory memory) {
        this.memory = memory;
    }

    /** The current VMCS, or null. */
    Vmcs current() {
        return current;
    }

    boolean nonRoot() {
        return nonRoot;
    }

    // --- VMX instructions in root mode --------------------------------------------------------

    int vmptrld(int address) {
        if (!Vmcs.isValidAddress(memory, address)) {
            return failValid(VmInstructionError.VMPTRLD_INVALID_ADDRESS);
        }
        Vmcs vmcs = new Vmcs(memory, address);
        if (vmcs.revision() != Vmcs.REVISION) {
            return failValid(VmInstructionError.VMPTRLD_INCORRECT_REVISION);
        }
        current = vmcs;
        return 0;
    }

    int vmclear(int address) {
        if (!Vmcs.isValidAddress(memory, address)) {
            return failValid(VmInstructionError.VMCLEAR_INVALID_ADDRESS);
        }
        new Vmcs(memory, address).setLaunched(false);
        if (current != null && current.address() == address) {
            current = null;
        }
        return 0;
    }

    /** The field {@code vmread} or {@code vmwrite} names, or null having failed (see {@link #status}). */
    VmcsField field(int encoding, boolean forWrite) {
        if (current == null) {
            status = FAIL_INVALID;
            return null;
        }
        VmcsField field = VmcsField.fromEncoding(encoding);
        if (field == null) {
            status = failValid(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT);
            return null;
        }
        if (forWrite && field.readOnly()) {
            status = failValid(VmInstructionError.VMWRITE_READ_ONLY_COMPONENT);
            return null;
        }
        status = 0;
        return field;
    }

    private int status;

    /** The result of the last {@link #field} that failed or succeeded. */
    int status() {
        return status;
    }

    /**
     * The checks of a VM entry that fail it as an instruction: 0 to go on, else the result
     * (nothing is loaded). Guest state is checked afterwards, by the caller.
     */
    int checkEntry(boolean launch) {
        if (current == null) {
            return FAIL_INVALID;
        }
        if (launch && current.launched()) {
            return failValid(VmInstructionError.VMLAUNCH_NON_CLEAR_VMCS);
        }
        if (!launch && !current.launched()) {
            return failValid(VmInstructionError.VMRESUME_NON_LAUNCHED_VMCS);
        }
        int error = VmEntryCheck.controls(current, memory);
        if (error == 0) {
            error = VmEntryCheck.hostState(current);
        }
        return error == 0 ? 0 : failValid(error);
    }

    private int failValid(int error) {
        if (current != null) {
            current.write(VmcsField.VM_INSTRUCTION_ERROR, error);
        }
        return current != null ? error : FAIL_INVALID;
    }

    // --- entering and leaving non-root mode ----------------------------------------------------

    /** Enters non-root mode under the current VMCS's controls, at tick {@code ticks}. */
    void enter(boolean fromJava, long ticks) {
        Vmcs v = current;
        nonRoot = true;
        enteredFromJava = fromJava;
        v.setLaunched(true);
        pin = v.read(VmcsField.PIN_BASED_CONTROLS);
        proc = v.read(VmcsField.PROCESSOR_BASED_CONTROLS);
        exitControls = v.read(VmcsField.VM_EXIT_CONTROLS);
        exceptionBitmap = v.read(VmcsField.EXCEPTION_BITMAP);
        cr0Mask = v.read(VmcsField.CR0_GUEST_HOST_MASK);
        cr0Shadow = v.read(VmcsField.CR0_READ_SHADOW);
        cr4Mask = v.read(VmcsField.CR4_GUEST_HOST_MASK);
        cr4Shadow = v.read(VmcsField.CR4_READ_SHADOW);
        ioBitmapA = v.read(VmcsField.IO_BITMAP_A);
        ioBitmapB = v.read(VmcsField.IO_BITMAP_B);
        int secondary = proc(VmxControls.PROC_ACTIVATE_SECONDARY_CONTROLS)
                ? v.read(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS) : 0;
        eptPointer = (secondary & VmxControls.SECONDARY_ENABLE_EPT) != 0
                ? v.read(VmcsField.EPT_POINTER) : Mmu.NO_NESTED_PAGING;
        vpid = (secondary & VmxControls.SECONDARY_ENABLE_VPID) != 0
                ? v.read(VmcsField.VIRTUAL_PROCESSOR_ID) & 0xFFFF : 0;
        timerDeadline = (pin & VmxControls.PIN_ACTIVATE_PREEMPTION_TIMER) != 0
                ? ticks + Integer.toUnsignedLong(v.read(VmcsField.VMX_PREEMPTION_TIMER_VALUE))
                : Long.MAX_VALUE;
    }

    /**
     * A VM entry that fails on the guest state: nothing is entered, the launch state stays as it
     * was, and the VM exit that follows at once leaves for the caller as {@link #enter}'s would.
     */
    void enterFailing(boolean fromJava) {
        nonRoot = true;
        enteredFromJava = fromJava;
        exitControls = 0;
        timerDeadline = Long.MAX_VALUE;
        eptPointer = Mmu.NO_NESTED_PAGING;
        vpid = 0;
    }

    /** Leaves non-root mode at tick {@code ticks}; true if the entry was a Java monitor's. */
    boolean leave(long ticks) {
        if ((exitControls & VmxControls.EXIT_SAVE_PREEMPTION_TIMER) != 0 && timerDeadline != Long.MAX_VALUE) {
            current.write(VmcsField.VMX_PREEMPTION_TIMER_VALUE, (int) Math.max(0, timerDeadline - ticks));
        }
        nonRoot = false;
        timerDeadline = Long.MAX_VALUE;
        return enteredFromJava;
    }

    // --- how the guest's addresses are translated -------------------------------------------------

    /** The nested directory of the guest entered ("enable EPT"), or {@link Mmu#NO_NESTED_PAGING}. */
    int eptPointer() {
        return eptPointer;
    }

    /**
     * The VPID of the guest entered or last entered, 0 without "enable VPID" (then VM entries and
     * exits flush the TLB).
     */
    int vpid() {
        return vpid;
    }

    // --- what exits in non-root mode ------------------------------------------------------------

    /** The tick at which the preemption timer exits (Long.MAX_VALUE if it is not active). */
    long timerDeadline() {
        return timerDeadline;
    }

    boolean proc(int control) {
        return (proc & control) != 0;
    }

    boolean externalInterruptExiting() {
        return (pin & VmxControls.PIN_EXTERNAL_INTERRUPT_EXITING) != 0;
    }

    boolean acknowledgeInterruptOnExit() {
        return (exitControls & VmxControls.EXIT_ACKNOWLEDGE_INTERRUPT) != 0;
    }

    boolean exceptionExits(int vector) {
        return vector < Integer.SIZE && (exceptionBitmap & 1 << vector) != 0;
    }

    /** True if {@code in} or {@code out} at {@code port} exits. */
    boolean ioExits(int port) {
        if (proc(VmxControls.PROC_USE_IO_BITMAPS)) {
            int bitmap = port < 0x8000 ? ioBitmapA : ioBitmapB;
            int bit = port & 0x7FFF;
            return (memory.readByte(bitmap + (bit >>> 3)) & 1 << (bit & 7)) != 0;
        }
        return proc(VmxControls.PROC_UNCONDITIONAL_IO_EXITING);
    }

    /** The guest/host mask of cr0 or cr4, or 0 for the others. */
    int mask(int cr) {
        return cr == Registers.CR0 ? cr0Mask : cr == Registers.CR4 ? cr4Mask : 0;
    }

    private int shadow(int cr) {
        return cr == Registers.CR0 ? cr0Shadow : cr == Registers.CR4 ? cr4Shadow : 0;
    }

    /** What the guest reads of control register {@code cr} whose real value is {@code real}. */
    int guestView(int cr, int real) {
        int mask = mask(cr);
        return real & ~mask | shadow(cr) & mask;
    }

    /** True if writing {@code value} to {@code cr} changes a bit the host owns from its read shadow. */
    boolean writeChangesOwnedBit(int cr, int value) {
        return ((value ^ shadow(cr)) & mask(cr)) != 0;
    }
}
