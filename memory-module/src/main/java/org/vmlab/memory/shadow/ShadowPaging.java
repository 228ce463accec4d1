package org.vmlab.memory.shadow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vmlab.machine.Cpu;
import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.DirtyLog;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.GuestPageWalker;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.MachineFrames;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * Shadow paging, the software technique of VMware's VMM (Adams and Agesen 2006, section 2.3): the
 * real MMU walks shadow page tables that map guest-virtual pages to machine frames, kept by the
 * VMM as the composition of the guest's page tables and the physical-to-machine map.
 *
 * <p>This class is the mechanism: one {@link ShadowPageTable} per guest address space, cached
 * across address-space switches (up to {@link #CACHED_SHADOWS}, least recently used dropped first),
 * the {@link TracedPages} that keep them consistent, and the real MMU pointed at the current one.
 * The decisions (what a fault means, how an entry is filled, what a traced write changes) are the
 * {@link ShadowRules}'.
 *
 * <p>The mechanism also follows the p2m, whatever the rules do: a machine frame shared
 * copy-on-write is only ever mapped read-only ({@link #map}); a guest write to it that the guest's
 * own tables allow breaks the sharing before the rules see the fault, so that they map the
 * private copy; and every mapping of a machine frame that a guest frame stops using (after a
 * copy-on-write break, sharing or ballooning) is dropped from every shadow.
 */
public final class ShadowPaging implements MemoryVirtualization {
    /** The key of the shadow used while the guest runs with paging off: it maps guest-physical 1:1. */
    public static final int PHYSICAL_MODE = -1;
    public static final int CACHED_SHADOWS = 8;

    /**
     * A write to a guest page table that the VMM traces: it trapped (charged as a
     * trap-and-emulate), the VMM emulates it, and the shadow's update is charged when the write
     * lands ({@link ShadowEvent#TRACE}), whoever made it: a binary translator that emulates the
     * store in a callout, without the trap, pays the update alone.
     */
    public static final PageFaultOutcome TRACED_WRITE = new PageFaultOutcome.TracedWrite(CoreEvent.TRAP_AND_EMULATE);

    /**
     * A write the guest's rules allow but the real MMU cannot (the guest turned cr0.WP off, the
     * VMM keeps it on): emulated, at the price of a trap-and-emulate.
     */
    public static final PageFaultOutcome SUPERVISOR_WRITE = PageFaultOutcome.emulate(CoreEvent.TRAP_AND_EMULATE);

    private final ShadowRules rules;
    private final Map<Integer, ShadowPageTable> cache = new LinkedHashMap<>(16, 0.75f, true);
    private final TracedPages traced = new TracedPages();
    private final GuestPhysicalMemory.ChangeListener changes = new GuestPhysicalMemory.ChangeListener() {
        @Override
        public void written(int gpa) {
            guestWrote(gpa);
        }

        @Override
        public void p2mChanged(int gfn, P2mEntry before, P2mEntry after) {
            frameRemapped(before, after);
        }
    };
    private final ShadowDirtyLog dirtyLog = new ShadowDirtyLog(this);
    private VirtualMachine vm;
    private ShadowPageTable current;

    public ShadowPaging(ShadowRules rules) {
        this.rules = rules;
    }

    @Override
    public String name() {
        return "shadow";
    }

    @Override
    public void attach(VirtualMachine machine) {
        this.vm = machine;
        vm.memory().addListener(changes);
        current = shadowFor(guestKey());
    }

    @Override
    public void activate() {
        // Paging is always on for real: guest addresses, even "physical" ones, go through a shadow.
        cpu().setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_WP);
        cpu().setControlRegister(Registers.CR3, current.root());
    }

    @Override
    public void controlRegisterWritten(int cr) {
        if (cr == Registers.CR0 || cr == Registers.CR3) {
            vm.counters().event(ShadowEvent.SHADOW_SWITCH);
            current = shadowFor(guestKey());
            activate();
        }
    }

    /** The guest's cr0 and cr3 were put back: the shadow to run on is theirs. */
    @Override
    public void restored() {
        current = shadowFor(guestKey());
    }

    @Override
    public void invalidatePage(int va) {
        current.unmap(va);
        vm.host().mmu().invalidatePage(va);
    }

    @Override
    public java.util.List<VmmEvent> events() {
        List<VmmEvent> all = new ArrayList<>(ShadowEvent.ALL);
        all.addAll(DirtyLog.EVENTS);
        return List.copyOf(all);
    }

    /** Dirty logging by write protection: {@link ShadowDirtyLog}. */
    @Override
    public java.util.Optional<DirtyLog> dirtyLog() {
        return java.util.Optional.of(dirtyLog);
    }

    @Override
    public PageFaultOutcome pageFault(Exit.PageFault exit) {
        if (current.key() != guestKey()) {
            // The VMM emulated the guest's write to cr0 or cr3 and did not say so: the real MMU
            // walks the shadow of an address space the guest has left. The VMM's error, said as
            // such rather than mended into the wrong shadow.
            vm.vcpu().stop(StopReason.MONITOR_ERROR, String.format("shadow paging: the guest runs with %s but the"
                    + " real MMU still walks the shadow for %s: the VMM emulated a write to cr0 or cr3 without"
                    + " telling memory virtualization (after setting the vCPU's cr0 or cr3, call"
                    + " vm.memoryVirtualization().controlRegisterWritten(n))",
                    describeKey(guestKey()), describeKey(current.key())));
            return PageFaultOutcome.FIXED;   // nothing to reflect or emulate: the VM stops here
        }
        breakSharingOnWrite(exit);
        logGuestWrite(exit);
        PageFaultOutcome outcome = rules.pageFault(this, exit);
        if (outcome == PageFaultOutcome.DEVICE_ACCESS && mapAssignedDevice(exit)) {
            outcome = PageFaultOutcome.FIXED;
        }
        if (outcome instanceof PageFaultOutcome.Fixed) {
            vm.counters().event(ShadowEvent.HIDDEN_FAULT);
            vm.counters().add("shadow.hidden_faults", 1);
            vm.mark("shadow", "hidden fault", exit.pc());
        } else if (outcome instanceof PageFaultOutcome.GuestFault) {
            vm.counters().add("shadow.true_faults", 1);
        }
        return outcome;
    }

    private void guestWrote(int gpa) {
        if (traced.isTraced(gpa >>> PhysicalMemory.PAGE_SHIFT)) {
            vm.counters().event(ShadowEvent.TRACE);
            vm.counters().add("shadow.traces", 1);
            vm.mark("shadow", "trace", vm.vcpu().pc());
            vm.writeTraced();
            rules.pageTableWritten(this, gpa);
        }
    }

    /** What {@link #writtenGuestPhysical} gives for a write the guest's own tables refuse. */
    private static final int NOT_WRITABLE = -1;

    /**
     * The guest-physical address the faulting write is to, through the guest's own tables as the
     * access's privilege sees them (the address itself with paging off), or {@link #NOT_WRITABLE}
     * if those tables refuse the write: then the fault is the guest's.
     */
    private int writtenGuestPhysical(Exit.PageFault exit) {
        Vcpu vcpu = vm.vcpu();
        if (!vcpu.pagingEnabled()) {
            return exit.address();
        }
        try {
            return vm.guestMemory().walker().walk(exit.address(), Mmu.WRITE, exit.privilege(),
                    vcpu.controlRegister(Registers.CR3),
                    (vcpu.controlRegister(Registers.CR0) & Registers.CR0_WP) != 0, false).gpa();
        } catch (Fault guestFault) {
            return NOT_WRITABLE;
        }
    }

    /**
     * A write to a shared frame faults, as {@link #map} keeps it read-only. If the guest's own
     * tables allow the write, the frame becomes the guest's own (copied), and the rules map the
     * copy; if they do not, the fault is the guest's, and the sharing stays.
     */
    private void breakSharingOnWrite(Exit.PageFault exit) {
        GuestPhysicalMemory memory = vm.memory();
        if (memory.sharedFrames() == 0 || (exit.errorCode() & Vector.PF_WRITE) == 0) {
            return;
        }
        int gpa = writtenGuestPhysical(exit);
        if (gpa == NOT_WRITABLE) {
            return;   // the guest's own fault: the rules reflect it
        }
        if (memory.isRam(gpa) && memory.isShared(gpa >>> PhysicalMemory.PAGE_SHIFT)) {
            memory.machineFrameForWrite(gpa >>> PhysicalMemory.PAGE_SHIFT);
            vm.counters().add("shadow.sharing_broken", 1);
        }
    }

    /**
     * While the dirty log runs, every shadow maps the guest's pages read-only until they are
     * logged ({@link #map}): a write the guest's own tables allow faults here first, and its page
     * is logged dirty before the rules fill the entry, which may then be writable until the next
     * collection ({@link ShadowDirtyLog}). A write the guest's tables refuse is the guest's fault
     * and writes nothing.
     */
    private void logGuestWrite(Exit.PageFault exit) {
        GuestPhysicalMemory memory = vm.memory();
        if (!memory.dirtyLogging() || (exit.errorCode() & Vector.PF_WRITE) == 0) {
            return;
        }
        int gpa = writtenGuestPhysical(exit);
        if (gpa == NOT_WRITABLE) {
            return;   // the guest's own fault: the rules reflect it
        }
        if (memory.isRam(gpa) && !memory.loggedDirty(gpa >>> PhysicalMemory.PAGE_SHIFT)) {
            memory.logDirtyFrame(gpa >>> PhysicalMemory.PAGE_SHIFT);
            vm.counters().add("shadow.dirty_log_faults", 1);
        }
    }

    /**
     * A guest frame's p2m entry changed: no shadow may keep mapping a machine frame the guest
     * frame left (it may be another VM's soon), nor map writable a frame that became shared.
     */
    private void frameRemapped(P2mEntry before, P2mEntry after) {
        if (before instanceof P2mEntry.Backed old
                && !(after instanceof P2mEntry.Backed now && now.mfn() == old.mfn())) {
            for (ShadowPageTable shadow : cache.values()) {
                invalidateIfCurrent(shadow, shadow.unmapFrame(old.mfn()));
            }
        } else if (after instanceof P2mEntry.Shared now) {
            for (ShadowPageTable shadow : cache.values()) {
                invalidateIfCurrent(shadow, shadow.writeProtect(now.mfn()));
            }
        }
    }

    private void invalidateIfCurrent(ShadowPageTable shadow, List<Integer> vas) {
        if (shadow == current) {
            for (int va : vas) {
                vm.host().mmu().invalidatePage(va);
            }
        }
    }

    // --- for the rules ---------------------------------------------------------------------------

    public VirtualMachine vm() {
        return vm;
    }

    /** The shadow the real MMU walks now. */
    public ShadowPageTable current() {
        return current;
    }

    /** Every cached shadow, the current one included. */
    public List<ShadowPageTable> shadows() {
        return new ArrayList<>(cache.values());
    }

    public TracedPages traced() {
        return traced;
    }

    /** The key of the guest's current address space: its cr3, or {@link #PHYSICAL_MODE}. */
    public int guestKey() {
        return vm.vcpu().pagingEnabled() ? vm.vcpu().controlRegister(Registers.CR3) : PHYSICAL_MODE;
    }

    private static String describeKey(int key) {
        return key == PHYSICAL_MODE ? "paging off" : String.format("paging on, cr3=0x%08x", key);
    }

    /**
     * Maps {@code va} in the current shadow, and forgets the real TLB's entry for it. A machine
     * frame shared copy-on-write is mapped read-only, whatever {@code bits} say: the guest's write
     * must fault, so that the sharing is broken first.
     */
    public void map(int va, int mfn, int bits) {
        int frames = vm.host().memory().frames();
        if (mfn < 0 || mfn >= frames) {
            throw new IllegalArgumentException(String.format("map(va=0x%08x, mfn=0x%x, bits=0x%x):"
                    + " 0x%x is not a frame of this machine (0x0..0x%x)%s", va, mfn, bits, mfn,
                    frames - 1, mfn >= frames ? ": is it an address rather than a frame number"
                            + " (address >>> 12)?" : ""));
        }
        if ((bits & ~(Pte.PRESENT | Pte.WRITABLE | Pte.USER | Pte.ACCESSED | Pte.DIRTY)) != 0
                || (bits & Pte.PRESENT) == 0) {
            throw new IllegalArgumentException(String.format("map(va=0x%08x, mfn=0x%x, bits=0x%x):"
                    + " a shadow entry's bits are PRESENT, with WRITABLE and USER as the guest's"
                    + " entry allows (the frame goes in mfn, not in bits)", va, mfn, bits));
        }
        if (frames().isShared(mfn) || (bits & Pte.WRITABLE) != 0 && notYetLoggedDirty(mfn)) {
            bits &= ~Pte.WRITABLE;
        }
        current.map(va, mfn, bits);
        vm.host().mmu().invalidatePage(va);
    }

    /**
     * A device register the guest reached is in a window assigned to this VM (passed through, so
     * the real bus does not trap it): the shadow maps the guest's page of it to the device's own
     * page (a device window's guest-physical address is its machine address), with the guest's
     * permissions, so that the guest reaches the device directly from then on, as on bare metal.
     * The guest's table entries it came from are traced like any other. False if the window
     * traps: the access is emulated.
     */
    private boolean mapAssignedDevice(Exit.PageFault exit) {
        int va = exit.address();
        int gpa = va;
        int bits = Pte.PRESENT | Pte.WRITABLE | Pte.USER;
        Vcpu vcpu = vm.vcpu();
        GuestPageWalker.Translation t = null;
        if (vcpu.pagingEnabled()) {
            int access = (exit.errorCode() & Vector.PF_WRITE) != 0 ? Mmu.WRITE : Mmu.READ;
            try {
                t = vm.guestMemory().walker().walk(va, access, exit.privilege(),
                        vcpu.controlRegister(Registers.CR3), (vcpu.controlRegister(Registers.CR0) & Registers.CR0_WP) != 0, true);
            } catch (Fault guestFault) {
                return false;
            }
            gpa = t.gpa();
            bits = Pte.PRESENT | (t.user() ? Pte.USER : 0) | (t.writable() ? Pte.WRITABLE : 0);
        }
        if (vm.memory().isRam(gpa) || vm.host().mmio().traps(gpa)) {
            return false;
        }
        if (t != null) {
            trace(vcpu.controlRegister(Registers.CR3) >>> PhysicalMemory.PAGE_SHIFT, TracedPages.Use.directory(current));
            trace(t.pteAddress() >>> PhysicalMemory.PAGE_SHIFT, new TracedPages.Use(current, Pte.directoryIndex(va)));
        }
        current.map(va, gpa >>> PhysicalMemory.PAGE_SHIFT, bits);
        vm.host().mmu().invalidatePage(va);
        return true;
    }

    /** While the dirty log runs: machine frame {@code mfn} backs a guest frame not logged dirty yet. */
    private boolean notYetLoggedDirty(int mfn) {
        GuestPhysicalMemory memory = vm.memory();
        if (!memory.dirtyLogging()) {
            return false;
        }
        int gfn = memory.guestFrameOf(mfn);
        return gfn >= 0 && !memory.loggedDirty(gfn);
    }

    /** Removes {@code va}'s entry from {@code shadow}, and from the real TLB if it is current. */
    public void unmap(ShadowPageTable shadow, int va) {
        shadow.unmap(va);
        if (shadow == current) {
            vm.host().mmu().invalidatePage(va);
        }
    }

    /** Drops {@code shadow}'s table behind directory entry {@code pdi} (4 MiB of mappings). */
    public void dropTable(ShadowPageTable shadow, int pdi) {
        if (pdi < 0 || pdi >= 1024) {
            throw new IllegalArgumentException("dropTable(shadow, " + pdi + "): a directory index is"
                    + " 0..1023 (a virtual address >>> 22), not " + pdi);
        }
        traced.remove(new TracedPages.Use(shadow, pdi));
        shadow.dropTable(pdi);
        if (shadow == current) {
            activate();   // reloading cr3 flushes the real TLB
        }
    }

    /**
     * Records that {@code use} was built from guest frame {@code gfn}. When the frame was not
     * traced until now, every writable mapping of it, in every shadow, becomes read-only, so that
     * the guest's next write to it traps.
     */
    public void trace(int gfn, TracedPages.Use use) {
        if (traced.add(gfn, use)) {
            int mfn = vm.memory().machineFrame(gfn);
            for (ShadowPageTable shadow : cache.values()) {
                for (int va : shadow.writeProtect(mfn)) {
                    if (shadow == current) {
                        vm.host().mmu().invalidatePage(va);
                    }
                }
            }
        }
    }

    // --- the cache ---------------------------------------------------------------------------------

    private ShadowPageTable shadowFor(int key) {
        ShadowPageTable shadow = cache.get(key);
        if (shadow == null) {
            if (cache.size() >= CACHED_SHADOWS) {
                evictLeastRecentlyUsed();
            }
            shadow = new ShadowPageTable(key, frames());
            cache.put(key, shadow);
            vm.counters().add("shadow.built", 1);
        }
        return shadow;
    }

    /** The VM is going: every cached shadow gives its frames back. */
    @Override
    public void detach() {
        vm.memory().removeListener(changes);
        for (ShadowPageTable shadow : cache.values()) {
            traced.removeShadow(shadow);
            shadow.release();
        }
        cache.clear();
    }

    private void evictLeastRecentlyUsed() {
        Map.Entry<Integer, ShadowPageTable> eldest = cache.entrySet().iterator().next();
        ShadowPageTable shadow = eldest.getValue();
        cache.remove(eldest.getKey());
        traced.removeShadow(shadow);
        shadow.release();
        vm.counters().add("shadow.evicted", 1);
    }

    private MachineFrames frames() {
        return vm.memory().machineFrames();
    }

    private Cpu cpu() {
        return vm.host().cpu();
    }
}
