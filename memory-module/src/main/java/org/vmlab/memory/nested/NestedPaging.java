package org.vmlab.memory.nested;

import java.util.List;
import java.util.Optional;
import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.NestedPageViolation;
import org.vmlab.machine.memory.NestedPte;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.DirtyLog;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.NestedTranslation;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * Nested paging, the memory half of second-generation hardware assistance (Intel's EPT, AMD's
 * RVI; R. Bhargava, B. Serebrin, F. Spadini and S. Manne, "Accelerating Two-Dimensional Page
 * Walks for Virtualized Systems", ASPLOS 2008): the guest's page tables are its own, walked by the
 * MMU as they are, and the VMM keeps one set of nested tables, guest-physical to machine, that the
 * MMU walks after them ({@link NestedPageTable}). So there is nothing to trace and nothing to
 * shadow: the guest switches address spaces, changes its page tables and takes its own page faults
 * without the VMM (no CR3 or INVLPG exits, no #PF in the exception bitmap). What is left for the
 * VMM is the p2m: a guest frame not yet in the nested tables makes an EPT violation, and the
 * VMM maps it ({@link NestedRules}). The price moves to the TLB miss, which walks both dimensions.
 *
 * <p>This class is the mechanism: the tables, the violation's bookkeeping, device windows assigned
 * to the VM (mapped to themselves, so the guest reaches the device directly), and the p2m followed:
 * a machine frame shared copy-on-write is only ever mapped without write permission, and a guest
 * frame whose backing changes (a copy-on-write break, sharing, ballooning) loses its entry, with
 * the TLB's nested translations invalidated (the SDM's INVEPT). It needs a CPU technique that
 * runs the guest with EPT: a hardware-assisted one.
 */
public final class NestedPaging implements MemoryVirtualization, NestedTranslation {
    private final NestedRules rules;
    private final GuestPhysicalMemory.ChangeListener changes = new GuestPhysicalMemory.ChangeListener() {
        @Override
        public void written(int gpa) {
            // nothing to do: no guest page table is traced
        }

        @Override
        public void p2mChanged(int gfn, P2mEntry before, P2mEntry after) {
            frameRemapped(gfn, before, after);
        }
    };
    private final NestedDirtyLog dirtyLog = new NestedDirtyLog(this);
    private VirtualMachine vm;
    private NestedPageTable tables;

    public NestedPaging(NestedRules rules) {
        this.rules = rules;
    }

    @Override
    public String name() {
        return "nested";
    }

    @Override
    public void attach(VirtualMachine machine) {
        this.vm = machine;
        this.tables = new NestedPageTable(machine.memory().machineFrames());
        machine.memory().addListener(changes);
    }

    /**
     * Root mode runs no guest code: paging is off there (the monitor reaches machine memory as
     * it is). The guest's cr0 and cr3 are its own, loaded at each VM entry from its vCPU.
     */
    @Override
    public void activate() {
        vm.host().cpu().setControlRegister(Registers.CR0, 0);
    }

    /** The guest's cr0 and cr3 reach the MMU at the next VM entry: nothing to follow. */
    @Override
    public void controlRegisterWritten(int cr) {
    }

    /** The guest's {@code invlpg} runs without an exit; one emulated anyway drops its own VPID's entry. */
    @Override
    public void invalidatePage(int va) {
    }

    /** The guest's cr3 is the MMU's: its switches and invlpg need no exit. */
    @Override
    public boolean needsAddressSpaceExits() {
        return false;
    }

    /** Its page faults are its own, delivered without an exit. */
    @Override
    public boolean needsPageFaultExits() {
        return false;
    }

    @Override
    public Optional<NestedTranslation> nestedTranslation() {
        return Optional.of(this);
    }

    @Override
    public List<VmmEvent> events() {
        List<VmmEvent> all = new java.util.ArrayList<>(NestedEvent.ALL);
        all.addAll(DirtyLog.EVENTS);
        return List.copyOf(all);
    }

    /** Dirty logging by the nested tables' dirty bits: {@link NestedDirtyLog}. */
    @Override
    public Optional<DirtyLog> dirtyLog() {
        return Optional.of(dirtyLog);
    }

    /**
     * A page fault exit, which this technique never asks for: whatever raised it, the fault is
     * the guest's, raised by the MMU on the guest's own tables.
     */
    @Override
    public PageFaultOutcome pageFault(Exit.PageFault exit) {
        return new PageFaultOutcome.GuestFault(new Fault(Vector.PAGE_FAULT, exit.errorCode(), exit.address()));
    }

    @Override
    public int root() {
        return tables.root();
    }

    @Override
    public PageFaultOutcome violation(NestedPageViolation violation) {
        PageFaultOutcome outcome = rules.violation(this, violation);
        if (outcome == PageFaultOutcome.DEVICE_ACCESS && mapAssignedDevice(violation.guestPhysical())) {
            outcome = PageFaultOutcome.FIXED;
        }
        if (outcome instanceof PageFaultOutcome.Fixed) {
            vm.counters().event(NestedEvent.NESTED_FILL);
            vm.counters().add("nested.filled", 1);
            vm.mark("nested", "violation", vm.vcpu().pc());
        } else if (outcome instanceof PageFaultOutcome.Emulate) {
            vm.counters().add("nested.device_accesses", 1);
        }
        return outcome;
    }

    @Override
    public void detach() {
        vm.memory().removeListener(changes);
        tables.release();
    }

    // --- for the rules ---------------------------------------------------------------------------

    public VirtualMachine vm() {
        return vm;
    }

    /** The VM's nested tables. */
    public NestedPageTable tables() {
        return tables;
    }

    /**
     * Maps guest frame {@code gfn} to machine frame {@code mfn}, which must be the frame the p2m
     * backs it with now, with {@code permissions}. A machine frame shared copy-on-write is mapped
     * without write permission, whatever {@code permissions} say: the guest's write must violate,
     * so that the sharing is broken first.
     *
     * @throws IllegalArgumentException if {@code mfn} is not {@code gfn}'s machine frame, or the
     *         permissions are none or not R, W, X
     */
    public void map(int gfn, int mfn, int permissions) {
        GuestPhysicalMemory memory = vm.memory();
        if (gfn < 0 || gfn >= memory.frames()) {
            throw new IllegalArgumentException(String.format("map(gfn=0x%x, mfn=0x%x, 0x%x): the VM's guest frames are"
                    + " 0x0..0x%x%s", gfn, mfn, permissions, memory.frames() - 1,
                    gfn >= memory.frames() ? ": is it an address rather than a frame number (address >>> 12)?" : ""));
        }
        if (!(memory.entry(gfn) instanceof P2mEntry.Backed backed) || backed.mfn() != mfn) {
            throw new IllegalArgumentException(String.format("map(gfn=0x%x, mfn=0x%x, 0x%x): guest frame 0x%x is"
                    + " backed by %s, not machine frame 0x%x: map what the p2m gives (memory.machineFrame(gfn))",
                    gfn, mfn, permissions, gfn, memory.entry(gfn), mfn));
        }
        if ((permissions & ~NestedPte.PERMISSIONS) != 0 || permissions == 0) {
            throw new IllegalArgumentException(String.format("map(gfn=0x%x, mfn=0x%x, 0x%x): a nested entry's"
                    + " permissions are READ, WRITE and EXECUTE (the frame goes in mfn)", gfn, mfn, permissions));
        }
        if (!memory.isWritable(gfn) || memory.machineFrames().isShared(mfn)) {
            permissions &= ~NestedPte.WRITE;
        }
        install(gfn, mfn, permissions);
    }

    /**
     * A device window assigned to this VM (passed through, so the real bus does not trap it):
     * mapped to itself, read and write (a device's registers are never code), so that the guest
     * reaches the device directly, as on bare metal. False if the address traps: emulated.
     */
    private boolean mapAssignedDevice(int gpa) {
        if (vm.memory().isRam(gpa) || vm.host().mmio().traps(gpa)) {
            return false;
        }
        int frame = gpa >>> PhysicalMemory.PAGE_SHIFT;
        install(frame, frame, NestedPte.READ | NestedPte.WRITE);
        return true;
    }

    private void install(int gfn, int mfn, int permissions) {
        int old = tables.map(gfn, mfn, permissions);
        if (NestedPte.present(old) && (old & ~permissions & NestedPte.PERMISSIONS) != 0
                || NestedPte.present(old) && (old & NestedPte.FRAME_MASK) != mfn << PhysicalMemory.PAGE_SHIFT) {
            vm.host().mmu().invalidateNested();   // the TLB may hold what the old entry allowed
        }
    }

    /**
     * Guest frame {@code gfn}'s backing changed. If it is still the same machine frame, now
     * shared, its entry loses write permission; if it moved to another machine frame (the one a
     * share kept, or a private copy) or has none any more, its entry goes: the frame it named may
     * be free, or another VM's, soon. The next access violates and maps what backs it now.
     */
    private void frameRemapped(int gfn, P2mEntry before, P2mEntry after) {
        if ((tables.lookup(gfn) & NestedPte.DIRTY) != 0) {
            vm.memory().logDirtyFrame(gfn);   // the entry goes or changes: its dirty bit must not be lost
        }
        boolean sameFrame = before instanceof P2mEntry.Backed old && after instanceof P2mEntry.Backed now
                && old.mfn() == now.mfn();
        boolean changed = sameFrame ? after instanceof P2mEntry.Shared && tables.writeProtect(gfn) : tables.unmap(gfn);
        if (changed) {
            vm.host().mmu().invalidateNested();
        }
    }
}
