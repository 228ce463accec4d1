package org.vmlab.labs.lab6;

import org.vmlab.cpu.hardware.EntryConditions;
import org.vmlab.cpu.hardware.VmcsSetup;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.vt.VmxControls;

/**
 * Lab 6: the VMCS's controls, set before every VM entry. The guest runs unmodified in non-root
 * mode, its kernel in ring 0; only what these controls make exit comes back to the VMM. Set each
 * control the VMM needs, for the reason it needs it, and no other: an exit that is not needed is
 * a world switch for nothing.
 */
public final class VmcsSetupRules implements VmcsSetup {

    @Override
    public int pinBasedControls(EntryConditions run) {
        throw new UnsupportedOperationException("TODO(lab6): the machine's interrupts are the VMM's (external-interrupt exiting), and the VMM's timer must end the guest's run (activate the VMX-preemption timer)");
    }

    @Override
    public int processorBasedControls(EntryConditions run) {
        throw new UnsupportedOperationException("TODO(lab6): hlt gives the processor back (HLT exiting); every port is an emulated device's (unconditional I/O exiting); a shadow follows cr3 loads, cr3 stores and invlpg; a pending interrupt the guest cannot take yet needs its window; nested tables need the secondary controls");
    }

    @Override
    public int secondaryControls(EntryConditions run) {
        throw new UnsupportedOperationException("TODO(lab6): with nested tables, enable EPT, and VPID if the vCPU has one (0 has none)");
    }

    @Override
    public int exceptionBitmap(EntryConditions run) {
        throw new UnsupportedOperationException("TODO(lab6): #PF if the memory technique needs page faults (hidden faults, device registers), and no other exception: the guest's own go through its interrupt table");
    }
}
