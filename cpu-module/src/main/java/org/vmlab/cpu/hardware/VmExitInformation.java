package org.vmlab.cpu.hardware;

import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.NestedPageViolation;
import org.vmlab.machine.memory.NestedPte;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.VirtualMachine;

/**
 * The exit information of one VM exit (SDM Vol. 3C, ch. 27.2, "Recording VM-Exit Information"),
 * read from the VMCS, with the guest state the exit saved already back in the vCPU: what an
 * {@link ExitDispatch} decides on.
 */
public final class VmExitInformation {
    private final VirtualMachine vm;
    private final Vmcs vmcs;
    private final boolean nestedPaging;

    /**
     * The exit information in {@code vmcs}, of {@code vm}'s vCPU.
     *
     * @param nestedPaging true if the entry enabled EPT
     */
    public VmExitInformation(VirtualMachine vm, Vmcs vmcs, boolean nestedPaging) {
        this.vm = vm;
        this.vmcs = vmcs;
        this.nestedPaging = nestedPaging;
    }

    /** The guest's pc: the instruction that exited, or the next one to run. */
    public int pc() {
        return vm.vcpu().pc();
    }

    /** The guest's ring when it exited (its kernel's is 0). */
    public int guestRing() {
        return vm.vcpu().virtualRing();
    }

    /**
     * The instruction at {@link #pc}, read through the guest's tables: the processor has just
     * fetched it. For the exits whose instruction the VMM emulates.
     */
    public Instruction instruction() {
        return Instruction.decode(vm.guestMemory().fetch(pc()));
    }

    /** The hypercall number the guest put in its register ({@link HypercallTable#NUMBER_REGISTER}). */
    public int hypercallNumber() {
        return vm.vcpu().register(HypercallTable.NUMBER_REGISTER);
    }

    /** The exit qualification (for a #PF exit, the faulting address). */
    public int qualification() {
        return vmcs.read(VmcsField.EXIT_QUALIFICATION);
    }

    /**
     * The VM-exit interruption information of an exception exit: bits 7:0 the vector, bit 11 an
     * error code valid ({@link org.vmlab.machine.vt.VmxControls#INFO_ERROR_CODE_VALID}), bit 31 valid.
     */
    public int interruptionInfo() {
        return vmcs.read(VmcsField.VM_EXIT_INTERRUPTION_INFO);
    }

    /** The VM-exit interruption error code, meaningful when the information says it is valid. */
    public int interruptionErrorCode() {
        return vmcs.read(VmcsField.VM_EXIT_INTERRUPTION_ERROR_CODE);
    }

    /** The IDT-vectoring information: the event whose delivery the exit interrupted, or 0. */
    public int idtVectoring() {
        return vmcs.read(VmcsField.IDT_VECTORING_INFO);
    }

    /** True if this VMM enabled EPT for the run: the memory technique has nested tables. */
    public boolean nestedPaging() {
        return nestedPaging;
    }

    /** The EPT violation the exit information records (SDM Table 27-7). */
    public NestedPageViolation eptViolation() {
        int q = qualification();
        int access = (q & NestedPageViolation.DATA_WRITE) != 0 ? Mmu.WRITE
                : (q & NestedPageViolation.FETCH) != 0 ? Mmu.FETCH : Mmu.READ;
        return new NestedPageViolation(vmcs.read(VmcsField.GUEST_PHYSICAL_ADDRESS),
                vmcs.read(VmcsField.GUEST_LINEAR_ADDRESS), access,
                q >>> NestedPageViolation.PERMISSIONS_SHIFT & NestedPte.PERMISSIONS,
                (q & NestedPageViolation.FINAL_TRANSLATION) != 0);
    }
}
