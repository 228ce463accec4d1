package org.vmlab.labs.lab6;

import org.vmlab.cpu.hardware.ExitDispatch;
import org.vmlab.cpu.hardware.VmExitInformation;
import org.vmlab.cpu.hardware.VmxExit;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.machine.vt.VmxControls;
import org.vmlab.vmm.Exit;

/**
 * Lab 6: what each VM exit is to the VMM. The exit reason says why the guest left non-root mode;
 * the exit information says the rest. Make it the exit whose handler does the right thing: the
 * core's timer and interrupt exits, an instruction for Lab 1's emulator, a page fault for the
 * memory technique, the guest's own exception, a hypercall, a #UD for a VMX instruction, an EPT
 * violation for the nested tables, or a stop.
 */
public final class VmExitRules implements ExitDispatch {

    @Override
    public Exit exitFor(VmExitReason reason, VmExitInformation exit) {
        // BEGIN SOLUTION: one exit per reason: timer, interrupt window and external interrupt to the core; hlt, I/O and the cr/invlpg instructions to emulate; an exception to the memory technique (#PF) or the guest; vmcall from the guest kernel a hypercall, any other VMX instruction (or vmcall from user mode) the guest's #UD; an EPT violation to the nested tables (if this VMM enabled them); a triple fault or an invalid guest state stops the VM
        int pc = exit.pc();
        switch (reason) {
            case PREEMPTION_TIMER:
                return new Exit.Timer(pc);
            case INTERRUPT_WINDOW:
                return new Exit.InterruptWindow(pc);
            case EXTERNAL_INTERRUPT:
                return new Exit.ExternalInterrupt(pc, 0);   // not acknowledged on exit: the core does
            case EXCEPTION_OR_NMI: {
                int info = exit.interruptionInfo();
                int vector = info & 0xFF;
                int errorCode = (info & VmxControls.INFO_ERROR_CODE_VALID) != 0 ? exit.interruptionErrorCode() : 0;
                return vector == Vector.PAGE_FAULT
                        ? new Exit.PageFault(pc, exit.qualification(), errorCode)
                        : new Exit.GuestException(pc, vector, errorCode);
            }
            case TRIPLE_FAULT:
                return new VmxExit.Stop(pc, StopReason.TRIPLE_FAULT, String.format("triple fault at pc=0x%08x", pc));
            case HLT:
                return new Exit.Halt(pc, exit.instruction());
            case IO_INSTRUCTION:
                return new Exit.IoAccess(pc, exit.instruction());
            case CONTROL_REGISTER_ACCESS:
            case INVLPG:
                return new Exit.PrivilegedInstruction(pc, exit.instruction());
            case VMCALL:
                return exit.guestRing() == 0
                        ? new Exit.Hypercall(pc, exit.hypercallNumber())
                        : new VmxExit.VmxInstruction(pc, exit.instruction());
            case VMCLEAR:
            case VMLAUNCH:
            case VMPTRLD:
            case VMREAD:
            case VMRESUME:
            case VMWRITE:
                return new VmxExit.VmxInstruction(pc, exit.instruction());
            case INVALID_GUEST_STATE:
                return new VmxExit.Stop(pc, StopReason.MONITOR_ERROR, "the VMM's VM entry failed on the guest state it loaded");
            case EPT_VIOLATION:
                return exit.nestedPaging()
                        ? new VmxExit.EptViolation(pc, exit.eptViolation(), exit.idtVectoring())
                        : new VmxExit.Stop(pc, StopReason.MONITOR_ERROR, "an EPT violation, but this VMM never enabled nested paging");
            default:
                return new VmxExit.Stop(pc, StopReason.MONITOR_ERROR, "unknown VM exit reason " + reason);
        }
        // END SOLUTION
    }

    @Override
    public int reinjection(int idtVectoring) {
        // BEGIN SOLUTION: an external interrupt whose delivery the violation interrupted was taken from the controller already: inject it again, or it is lost; a fault or a software interrupt is raised again by its instruction, which did not retire: 0
        boolean valid = (idtVectoring & VmxControls.INFO_VALID) != 0;
        int type = idtVectoring >>> VmxControls.INFO_TYPE_SHIFT & 7;
        return valid && type == VmxControls.TYPE_EXTERNAL_INTERRUPT ? idtVectoring : 0;
        // END SOLUTION
    }
}
