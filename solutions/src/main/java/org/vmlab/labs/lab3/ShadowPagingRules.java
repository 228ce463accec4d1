package org.vmlab.labs.lab3;

import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Pte;
import org.vmlab.memory.shadow.ShadowPageTable;
import org.vmlab.memory.shadow.ShadowPaging;
import org.vmlab.memory.shadow.ShadowRules;
import org.vmlab.memory.shadow.TracedPages;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.GuestPageWalker;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.Vcpu;

/**
 * Lab 3: the rules of shadow paging. The real MMU walks a shadow page table that maps
 * guest-virtual pages straight to machine frames; it starts empty, and every access it cannot
 * translate traps here. Decide whose fault it is, fill the shadow entry, and keep the shadow true
 * to the guest's tables when the guest writes them.
 */
public final class ShadowPagingRules implements ShadowRules {

    @Override
    public PageFaultOutcome pageFault(ShadowPaging shadow, Exit.PageFault exit) {
        // BEGIN SOLUTION: decide whether the fault is the guest's (reflect it), a hidden fault (fill the shadow entry), or an access to emulate (traced write, device)
        Vcpu vcpu = shadow.vm().vcpu();
        GuestPhysicalMemory memory = shadow.vm().memory();
        int va = exit.address();
        int access = accessOf(exit.errorCode());
        if (!vcpu.pagingEnabled()) {
            return fillPhysicalMode(shadow, va, access);
        }
        GuestPageWalker.Translation t;
        try {
            t = shadow.vm().guestMemory().walker().walk(va, access, exit.privilege(),
                    vcpu.controlRegister(Registers.CR3), writeProtect(vcpu), true);
        } catch (Fault guestFault) {
            return new PageFaultOutcome.GuestFault(guestFault);
        }
        if (!memory.isRam(t.gpa())) {
            return PageFaultOutcome.DEVICE_ACCESS;
        }
        ShadowPageTable current = shadow.current();
        shadow.trace(vcpu.controlRegister(Registers.CR3) >>> PhysicalMemory.PAGE_SHIFT,
                TracedPages.Use.directory(current));
        shadow.trace(t.pteAddress() >>> PhysicalMemory.PAGE_SHIFT,
                new TracedPages.Use(current, Pte.directoryIndex(va)));
        boolean traced = shadow.traced().isTraced(t.frame());
        if (access == Mmu.WRITE) {
            if (traced) {
                return ShadowPaging.TRACED_WRITE;
            }
            if (!t.writable()) {
                return ShadowPaging.SUPERVISOR_WRITE;
            }
        }
        // Writable only once the guest's dirty bit is set, so that the first write comes here and
        // sets it; never for a traced page table, so that every write to one is traced.
        boolean writable = t.writable() && (t.pte() & Pte.DIRTY) != 0 && !traced;
        int bits = Pte.PRESENT | (t.user() ? Pte.USER : 0) | (writable ? Pte.WRITABLE : 0);
        shadow.map(va, memory.machineFrame(t.frame()), bits);
        return PageFaultOutcome.FIXED;
        // END SOLUTION
    }

    @Override
    public void pageTableWritten(ShadowPaging shadow, int gpa) {
        // BEGIN SOLUTION: drop every shadow entry (or shadow table) that was built from the written guest entry
        int index = (gpa & 0xFFF) >>> 2;
        for (TracedPages.Use use : shadow.traced().uses(gpa >>> PhysicalMemory.PAGE_SHIFT)) {
            if (use.isDirectory()) {
                shadow.dropTable(use.shadow(), index);
            } else {
                shadow.unmap(use.shadow(), use.directoryIndex() << 22 | index << 12);
            }
        }
        // END SOLUTION
    }

    /** Paging off in the guest: its virtual addresses are guest-physical ones. */
    private static PageFaultOutcome fillPhysicalMode(ShadowPaging shadow, int va, int access) {
        GuestPhysicalMemory memory = shadow.vm().memory();
        if (!memory.isRam(va)) {
            return PageFaultOutcome.DEVICE_ACCESS;
        }
        int gfn = va >>> PhysicalMemory.PAGE_SHIFT;
        boolean traced = shadow.traced().isTraced(gfn);
        if (access == Mmu.WRITE && traced) {
            return ShadowPaging.TRACED_WRITE;
        }
        int bits = Pte.PRESENT | Pte.USER | (traced ? 0 : Pte.WRITABLE);
        shadow.map(va, memory.machineFrame(gfn), bits);
        return PageFaultOutcome.FIXED;
    }

    private static int accessOf(int errorCode) {
        if ((errorCode & Vector.PF_WRITE) != 0) {
            return Mmu.WRITE;
        }
        return (errorCode & Vector.PF_FETCH) != 0 ? Mmu.FETCH : Mmu.READ;
    }

    private static boolean writeProtect(Vcpu vcpu) {
        return (vcpu.controlRegister(Registers.CR0) & Registers.CR0_WP) != 0;
    }
}
