package org.vmlab.machine.memory;

import org.vmlab.machine.Fault;
import org.vmlab.machine.device.MmioBus;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;

/**
 * The memory-management unit: turns the CPU's virtual addresses into physical ones through the
 * TLB and the two-level page tables, checks permissions, and routes physical addresses beyond
 * RAM to memory-mapped I/O.
 *
 * <p>It owns the paging control registers: cr0 (paging, write protect, TLB tagging), cr3 (the
 * page directory) and cr5 (the TLB tag). The walker sets the accessed bit of every entry it uses
 * and the dirty bit of a page-table entry on a write; a failed translation raises a page fault
 * whose error code says whether the page was present, whether the access was a write, a user
 * access or an instruction fetch.
 *
 * <p>With the vt feature, in non-root mode, it may translate through nested paging
 * (docs/isa.md, "Nested paging"): every guest address goes through the nested tables, by the
 * {@link TwoDimensionalWalk} when the guest's paging is on and by the nested tables alone when it
 * is off, and the TLB caches guest-virtual (or guest-physical) to machine translations, tagged by
 * the guest's VPID. All of it happens on a TLB miss: a hit costs what it costs without nesting.
 */
public final class Mmu {
    /** Access kinds, valued as their page-fault error-code bits. */
    public static final int READ = 0;
    public static final int WRITE = Vector.PF_WRITE;
    public static final int FETCH = Vector.PF_FETCH;

    private static final int USER_RING = 3;
    /** {@link #vmTransition}'s nested root when nested paging is off. */
    public static final int NO_NESTED_PAGING = -1;

    private final PhysicalMemory memory;
    private final MmioBus mmio;
    private final Tlb tlb;
    private final int ramSize;
    private final MachineTables tables = new MachineTables();

    private int cr0;
    private int cr3;
    private int cr5;
    private boolean paging;
    // True when an address must be looked up in the TLB: paging on, or nested paging on.
    private boolean translating;
    private long tag;
    // Nested paging (the vt feature's EPT) and the VPID of the code running (0: root, or no VPID).
    private final TwoDimensionalWalk twoDimensional;
    private boolean nested;
    private int nestedRoot;
    private int vpid;
    // Set once a VPID other than 0 has tagged entries: a context's flush must then spare the others.
    private boolean vpidsInUse;

    private Runnable beforeDeviceAccess = () -> { };
    private Runnable afterDeviceAccess = () -> { };

    private long walks;
    private long walkReferences;
    private long pageFaults;
    private long nestedWalks;
    private long nestedViolations;

    public Mmu(PhysicalMemory memory, MmioBus mmio, Tlb tlb) {
        this.memory = memory;
        this.mmio = mmio;
        this.tlb = tlb;
        this.ramSize = memory.size();
        this.twoDimensional = new TwoDimensionalWalk(memory);
    }

    public Tlb tlb() {
        return tlb;
    }

    public PhysicalMemory memory() {
        return memory;
    }

    /**
     * Runs {@code action} before every access to memory-mapped I/O, so that the CPU can bring the
     * devices' clock up to the instruction that makes the access: a device register written by a
     * plain store must see the same time as one written by {@code out}.
     */
    public void setBeforeDeviceAccess(Runnable action) {
        this.beforeDeviceAccess = action;
    }

    /**
     * Runs {@code action} after every access to memory-mapped I/O: a device may have raised an
     * interrupt line, which the CPU must look at before its next instruction.
     */
    public void setAfterDeviceAccess(Runnable action) {
        this.afterDeviceAccess = action;
    }

    /** A guest's access to a device register that the monitor traps ({@link MmioBus#traps}). */
    private void checkDeviceAccess(int va, int pa, int access, int cpl) {
        if (mmio.traps(pa)) {
            pageFaults++;
            int code = access | (cpl == USER_RING ? Vector.PF_USER : 0) | Vector.PF_PRESENT;
            throw new Fault(Vector.PAGE_FAULT, code, va);
        }
    }

    private int deviceRead(int pa) {
        beforeDeviceAccess.run();
        int value = mmio.read(pa);
        afterDeviceAccess.run();
        return value;
    }

    private void deviceWrite(int pa, int value) {
        beforeDeviceAccess.run();
        mmio.write(pa, value);
        afterDeviceAccess.run();
    }

    // --- control registers ----------------------------------------------------------------------

    public int cr0() {
        return cr0;
    }

    public int cr3() {
        return cr3;
    }

    public int cr5() {
        return cr5;
    }

    public boolean pagingEnabled() {
        return paging;
    }

    /** Writes cr0. Turning paging or tagging on or off flushes the TLB. */
    public void setCr0(int value) {
        int changed = cr0 ^ value;
        loadCr0(value);
        if ((changed & (Registers.CR0_PG | Registers.CR0_TAG)) != 0) {
            flushContext();
        }
    }

    private void loadCr0(int value) {
        cr0 = value & (Registers.CR0_PG | Registers.CR0_WP | Registers.CR0_TAG);
        paging = (cr0 & Registers.CR0_PG) != 0;
        translating = paging || nested;
        tag = Tlb.tag(vpid, (cr0 & Registers.CR0_TAG) != 0 ? cr5 : 0);
    }

    /**
     * Drops the entries of the code running: the whole TLB, or, once VPIDs tag entries, those of
     * the current VPID only (as the SDM's flushes on a mov to cr3 or cr0 are per VPID).
     */
    private void flushContext() {
        if (vpidsInUse) {
            tlb.flushVpid(vpid);
        } else {
            tlb.flush();
        }
    }

    /** Writes cr3, switching address space: flushes the TLB unless entries are tagged. */
    public void setCr3(int value) {
        cr3 = value & Pte.FRAME_MASK;
        if ((cr0 & Registers.CR0_TAG) == 0) {
            flushContext();
        } else {
            tlb.tagSwitched();
        }
    }

    /** Writes cr5, the tag of the current address space (effective when cr0.TAG is set). */
    public void setCr5(int value) {
        cr5 = value;
        if ((cr0 & Registers.CR0_TAG) != 0) {
            tag = Tlb.tag(vpid, value);
            tlb.tagSwitched();
        }
    }

    /**
     * A VM entry or exit (docs/isa.md, "Hardware-assisted virtualization"): loads cr0, cr3 and cr5
     * of the side entered, its VPID (0 for root mode, and for a guest without VPID) and its nested
     * root (the EPT pointer, or {@link #NO_NESTED_PAGING}), without the flushes that writing the
     * registers one by one would make. The TLB is flushed if {@code flush} (a guest without VPID:
     * the SDM flushes at its every entry and exit), else the entries of the other side simply stop
     * matching, and match again when it comes back.
     */
    public void vmTransition(int cr0, int cr3, int cr5, int vpid, int nestedRoot, boolean flush) {
        this.vpid = vpid;
        vpidsInUse |= vpid != 0;
        this.nested = nestedRoot != NO_NESTED_PAGING;
        this.nestedRoot = nested ? nestedRoot : 0;
        this.cr5 = cr5;
        this.cr3 = cr3 & Pte.FRAME_MASK;
        loadCr0(cr0);
        if (flush) {
            tlb.flush();
        } else {
            tlb.tagSwitched();
        }
    }

    /** True while addresses are translated by nested paging (non-root mode with EPT). */
    public boolean nestedPaging() {
        return nested;
    }

    /** The nested directory's machine address (the EPT pointer) while {@link #nestedPaging()}. */
    public int nestedRoot() {
        return nestedRoot;
    }

    /** The VPID of the code running: the guest's with VPID on, else 0. */
    public int vpid() {
        return vpid;
    }

    /**
     * Drops every translation derived from the nested tables, all VPIDs': what a monitor does
     * after it changes a nested entry (the SDM's INVEPT, single- or all-context: this machine has
     * one nested root per entry, so it drops them all).
     */
    public void invalidateNested() {
        tlb.flush();
    }

    /**
     * The single-page invalidate: drops the current address space's entry for {@code va} (in
     * non-root mode with VPID, the current VPID's only).
     */
    public void invalidatePage(int va) {
        tlb.invalidate(va >>> PhysicalMemory.PAGE_SHIFT, tag);
    }

    // --- translation ----------------------------------------------------------------------------

    /**
     * The physical address of {@code va} for an access of kind {@code access} ({@link #READ},
     * {@link #WRITE}, {@link #FETCH}) from ring {@code cpl}.
     *
     * <p>Under nested paging the result is a machine address, and the guest's own page fault is
     * the {@link Fault}, while a refusal of the nested tables is a {@link TwoDimensionalWalk.Violation}
     * (an EPT violation, the monitor's).
     *
     * @throws Fault a page fault, with cr2's value as its address
     * @throws TwoDimensionalWalk.Violation under nested paging, a nested refusal
     */
    public int translate(int va, int access, int cpl) {
        if (!translating) {
            return va;
        }
        // A fetch requires Tlb.EXECUTABLE, which is FETCH's own value; a read requires nothing more.
        int required = (cpl == USER_RING ? Pte.USER : 0)
                | (access == WRITE ? writeRequirement(cpl) : access);
        int frame = tlb.lookup(va >>> PhysicalMemory.PAGE_SHIFT, tag, required);
        if (frame >= 0) {
            return (frame << PhysicalMemory.PAGE_SHIFT) | (va & 0xFFF);
        }
        return nested ? nestedWalk(va, access, cpl) : walk(va, access, cpl);
    }

    /**
     * The RAM address of a {@code size}-byte access at {@code va} if it can be made without a
     * look at anything but the TLB: aligned, a TLB hit with the permissions {@link #translate}
     * requires, and in RAM (not a device). Counts the TLB hit as {@code translate} would;
     * otherwise -1, with nothing counted or changed, and the access is the ordinary path's to
     * make, with its faults, walks and devices. For compiled guest code.
     */
    public int cachedRamAddress(int va, int size, int access, int cpl) {
        if ((va & (size - 1)) != 0) {
            return -1;
        }
        int pa = va;
        if (translating) {
            int required = (cpl == USER_RING ? Pte.USER : 0)
                    | (access == WRITE ? writeRequirement(cpl) : access);
            int frame = tlb.probe(va >>> PhysicalMemory.PAGE_SHIFT, tag, required);
            if (frame < 0) {
                return -1;
            }
            pa = (frame << PhysicalMemory.PAGE_SHIFT) | (va & 0xFFF);
        }
        if (!isRam(pa)) {
            return -1;
        }
        if (translating) {
            tlb.countHit();
        }
        return pa;
    }

    private int writeRequirement(int cpl) {
        boolean honourReadOnly = cpl == USER_RING || (cr0 & Registers.CR0_WP) != 0;
        return honourReadOnly ? Pte.WRITABLE | Pte.DIRTY : Pte.DIRTY;
    }

    /** The two-level walk ({@link PageWalk}): two memory references, plus the accessed and dirty bit updates. */
    private int walk(int va, int access, int cpl) {
        walks++;
        PageWalk.Result walked;
        try {
            walked = PageWalk.walk(tables, va, access, cpl == USER_RING, cr3, (cr0 & Registers.CR0_WP) != 0, true);
        } catch (Fault pageFault) {
            pageFaults++;
            throw pageFault;
        }
        tlb.insert(va >>> PhysicalMemory.PAGE_SHIFT, tag, walked.pte() >>> PhysicalMemory.PAGE_SHIFT,
                walked.effective() | (walked.pte() & Pte.DIRTY) | Tlb.EXECUTABLE);
        return walked.address();
    }

    /**
     * A TLB miss under nested paging: the two-dimensional walk when the guest's paging is on, the
     * nested tables alone when it is off (the guest's address is then guest-physical). The entry
     * filled maps the guest's page to the machine frame, with the guest's permissions narrowed by
     * the nested ones.
     */
    private int nestedWalk(int va, int access, int cpl) {
        nestedWalks++;
        try {
            if (!paging) {
                TwoDimensionalWalk.NestedTranslation t =
                        twoDimensional.translatePhysicalWithPermissions(nestedRoot, va, access);
                cacheNested(va, t.machineAddress(), Pte.WRITABLE | Pte.USER, t.permissions(), access);
                return t.machineAddress();
            }
            TwoDimensionalWalk.Translation t = twoDimensional.translate(nestedRoot, cr3, va, access,
                    cpl == USER_RING, (cr0 & Registers.CR0_WP) != 0);
            cacheNested(va, t.machineAddress(), t.guest().effective(), t.nestedPermissions(), access);
            return t.machineAddress();
        } catch (Fault pageFault) {
            pageFaults++;
            throw pageFault;
        } catch (TwoDimensionalWalk.Violation violation) {
            nestedViolations++;
            throw violation;
        }
    }

    /**
     * Fills the TLB entry of a nested translation. An entry stands for a readable page, so a page
     * the nested tables do not let read is not cached (it is walked at every access); it is
     * writable only if both dimensions let write, and dirty only after a write, which this walk
     * has marked in both dimensions; executable only if the nested tables let execute.
     */
    private void cacheNested(int va, int machineAddress, int guestPermissions, int nestedPermissions, int access) {
        if ((nestedPermissions & NestedPte.READ) == 0) {
            return;
        }
        int flags = guestPermissions & (Pte.WRITABLE | Pte.USER);
        if ((nestedPermissions & NestedPte.WRITE) == 0) {
            flags &= ~Pte.WRITABLE;
        } else if (access == WRITE) {
            flags |= Pte.DIRTY;
        }
        if ((nestedPermissions & NestedPte.EXECUTE) != 0) {
            flags |= Tlb.EXECUTABLE;
        }
        tlb.insert(va >>> PhysicalMemory.PAGE_SHIFT, tag, machineAddress >>> PhysicalMemory.PAGE_SHIFT, flags);
    }

    /** The machine's RAM as the walk sees it, each reference counted. */
    private final class MachineTables implements PageTableMemory {
        @Override
        public int readEntry(int pa) {
            walkReferences++;
            // A page table outside RAM reads as "not present": a broken cr3 faults, it does not crash.
            return memory.contains(pa, 4) ? memory.readWord(pa) : 0;
        }

        @Override
        public void writeEntry(int pa, int value) {
            walkReferences++;
            memory.writeWord(pa, value);
        }
    }

    // --- data access ----------------------------------------------------------------------------

    /** The word at virtual {@code va} (4-aligned, else #AC). */
    public int readWord(int va, int cpl) {
        checkAligned(va);
        int pa = translate(va, READ, cpl);
        if (isRam(pa)) {
            return memory.readWord(pa);
        }
        checkDeviceAccess(va, pa, READ, cpl);
        return deviceRead(pa);
    }

    public void writeWord(int va, int value, int cpl) {
        checkAligned(va);
        int pa = translate(va, WRITE, cpl);
        if (isRam(pa)) {
            memory.writeWord(pa, value);
        } else {
            checkDeviceAccess(va, pa, WRITE, cpl);
            deviceWrite(pa, value);
        }
    }

    /**
     * A word of a trap frame, pushed by the processor in ring 0. The frame must land in RAM: a
     * kernel stack in a device window or past the end of memory raises #GP.
     */
    public void writeFrameWord(int va, int value) {
        memory.writeWord(frameWordAddress(va), value);
    }

    /**
     * The physical address a trap frame's word at {@code va} would be pushed to, with the
     * faults {@link #writeFrameWord} would raise and nothing written: for a delivery that must
     * know the whole frame can be pushed before it pushes any of it.
     */
    public int frameWordAddress(int va) {
        checkAligned(va);
        int pa = translate(va, WRITE, 0);
        if (!isRam(pa)) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        return pa;
    }

    /** The byte at virtual {@code va}, zero-extended. */
    public int readByte(int va, int cpl) {
        int pa = translate(va, READ, cpl);
        if (isRam(pa)) {
            return memory.readByte(pa);
        }
        checkDeviceAccess(va, pa, READ, cpl);
        return (deviceRead(pa) >>> ((pa & 3) << 3)) & 0xFF;
    }

    public void writeByte(int va, int value, int cpl) {
        int pa = translate(va, WRITE, cpl);
        if (isRam(pa)) {
            memory.writeByte(pa, value);
        } else {
            checkDeviceAccess(va, pa, WRITE, cpl);
            deviceWrite(pa, value & 0xFF);
        }
    }

    /** True if physical {@code pa} is RAM rather than I/O. */
    public boolean isRam(int pa) {
        return pa >= 0 && pa < ramSize;
    }

    private static void checkAligned(int va) {
        if ((va & 3) != 0) {
            throw new Fault(Vector.ALIGNMENT_CHECK, 0, va);
        }
    }

    // --- statistics -----------------------------------------------------------------------------

    /** Page-table walks (TLB misses that reached the page tables). */
    public long walks() {
        return walks;
    }

    /** Memory references made by the walker, reads and accessed/dirty updates. */
    public long walkReferences() {
        return walkReferences;
    }

    public long pageFaults() {
        return pageFaults;
    }

    /** Nested walks: TLB misses under nested paging, each a two-dimensional walk or a nested one alone. */
    public long nestedWalks() {
        return nestedWalks;
    }

    /**
     * Memory references made by nested walks: entries of either dimension read, (n+1)(m+1)-1 = 8
     * for a two-dimensional walk from scratch, 2 for a nested walk alone.
     */
    public long nestedWalkReferences() {
        return twoDimensional.references();
    }

    /** Nested walks that ended in a nested refusal (EPT violations). */
    public long nestedViolations() {
        return nestedViolations;
    }
}
