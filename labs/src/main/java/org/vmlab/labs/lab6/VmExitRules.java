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
        throw new UnsupportedOperationException("TODO(lab6): one exit per reason: timer, interrupt window and external interrupt to the core; hlt, I/O and the cr/invlpg instructions to emulate; an exception to the memory technique (#PF) or the guest; vmcall from the guest kernel a hypercall, any other VMX instruction (or vmcall from user mode) the guest's #UD; an EPT violation to the nested tables (if this VMM enabled them); a triple fault or an invalid guest state stops the VM");
    }

    @Override
    public int reinjection(int idtVectoring) {
        throw new UnsupportedOperationException("TODO(lab6): an external interrupt whose delivery the violation interrupted was taken from the controller already: inject it again, or it is lost; a fault or a software interrupt is raised again by its instruction, which did not retire: 0");
    }
}
