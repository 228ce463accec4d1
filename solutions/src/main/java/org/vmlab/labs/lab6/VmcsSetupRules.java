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
        // BEGIN SOLUTION: the machine's interrupts are the VMM's (external-interrupt exiting), and the VMM's timer must end the guest's run (activate the VMX-preemption timer)
        return VmxControls.PIN_EXTERNAL_INTERRUPT_EXITING | VmxControls.PIN_ACTIVATE_PREEMPTION_TIMER;
        // END SOLUTION
    }

    @Override
    public int processorBasedControls(EntryConditions run) {
        // BEGIN SOLUTION: hlt gives the processor back (HLT exiting); every port is an emulated device's (unconditional I/O exiting); a shadow follows cr3 loads, cr3 stores and invlpg; a pending interrupt the guest cannot take yet needs its window; nested tables need the secondary controls
        int controls = VmxControls.PROC_HLT_EXITING | VmxControls.PROC_UNCONDITIONAL_IO_EXITING;
        if (run.addressSpaceExits()) {
            controls |= VmxControls.PROC_CR3_LOAD_EXITING | VmxControls.PROC_CR3_STORE_EXITING
                    | VmxControls.PROC_INVLPG_EXITING;
        }
        if (run.interruptPending() && !run.guestInterruptible()) {
            controls |= VmxControls.PROC_INTERRUPT_WINDOW_EXITING;   // exit as soon as the guest can take it
        }
        if (run.nestedPaging()) {
            controls |= VmxControls.PROC_ACTIVATE_SECONDARY_CONTROLS;
        }
        return controls;
        // END SOLUTION
    }

    @Override
    public int secondaryControls(EntryConditions run) {
        // BEGIN SOLUTION: with nested tables, enable EPT, and VPID if the vCPU has one (0 has none)
        if (!run.nestedPaging()) {
            return 0;
        }
        return VmxControls.SECONDARY_ENABLE_EPT | (run.vpid() != 0 ? VmxControls.SECONDARY_ENABLE_VPID : 0);
        // END SOLUTION
    }

    @Override
    public int exceptionBitmap(EntryConditions run) {
        // BEGIN SOLUTION: #PF if the memory technique needs page faults (hidden faults, device registers), and no other exception: the guest's own go through its interrupt table
        return run.pageFaultExits() ? 1 << Vector.PAGE_FAULT : 0;
        // END SOLUTION
    }
}
