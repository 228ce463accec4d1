package org.vmlab.labs.lab6;

import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.NestedPageViolation;
import org.vmlab.machine.memory.NestedPte;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.memory.nested.NestedPaging;
import org.vmlab.memory.nested.NestedRules;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.PageFaultOutcome;

/**
 * Lab 6: the EPT violation handler of nested paging. The guest's page tables are its own now;
 * the VMM keeps only the nested tables, guest-physical to machine, and they start empty. Every
 * guest-physical page the guest touches first comes here: map it to the machine frame the p2m
 * gives it, with the permissions the p2m allows, or send a device register to be emulated.
 */
public final class EptViolationHandler implements NestedRules {

    @Override
    public PageFaultOutcome violation(NestedPaging nested, NestedPageViolation violation) {
        // BEGIN SOLUTION: map the guest frame the violation names to the machine frame the p2m gives it (a write breaks sharing first), read, write (unless shared) and execute; an address beyond guest RAM is a device register to emulate
        GuestPhysicalMemory memory = nested.vm().memory();
        int gpa = violation.guestPhysical();
        if (!memory.isRam(gpa)) {
            return PageFaultOutcome.DEVICE_ACCESS;
        }
        int gfn = gpa >>> PhysicalMemory.PAGE_SHIFT;
        int mfn = violation.access() == Mmu.WRITE ? memory.machineFrameForWrite(gfn) : memory.machineFrame(gfn);
        int permissions = NestedPte.READ | NestedPte.EXECUTE | (memory.isWritable(gfn) ? NestedPte.WRITE : 0);
        nested.map(gfn, mfn, permissions);
        return PageFaultOutcome.FIXED;
        // END SOLUTION
    }
}
