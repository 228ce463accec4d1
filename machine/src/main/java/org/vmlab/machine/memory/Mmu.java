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
 */
public final class Mmu {
    /** Access kinds, valued as their page-fault error-code bits. */
    public static final int READ = 0;
    public static final int WRITE = Vector.PF_WRITE;
    public static final int FETCH = Vector.PF_FETCH;

    private static final int USER_RING = 3;

    private final PhysicalMemory memory;
    private final MmioBus mmio;
    private final Tlb tlb;
    private final int ramSize;
    private final MachineTables tables = new MachineTables();

    private int cr0;
    private int cr3;
    private int cr5;
    private boolean paging;
    private int tag;

    private Runnable beforeDeviceAccess = () -> { };
    private Runnable afterDeviceAccess = () -> { };

    private long walks;
    private long walkReferences;
    private long pageFaults;

    public Mmu(PhysicalMemory memory, MmioBus mmio, Tlb tlb) {
        this.memory = memory;
        this.mmio = mmio;
        this.tlb = tlb;
        this.ramSize = memory.size();
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
        cr0 = value & (Registers.CR0_PG | Registers.CR0_WP | Registers.CR0_TAG);
        paging = (cr0 & Registers.CR0_PG) != 0;
        tag = (cr0 & Registers.CR0_TAG) != 0 ? cr5 : 0;
        if ((changed & (Registers.CR0_PG | Registers.CR0_TAG)) != 0) {
            tlb.flush();
        }
    }

    /** Writes cr3, switching address space: flushes the TLB unless entries are tagged. */
    public void setCr3(int value) {
        cr3 = value & Pte.FRAME_MASK;
        if ((cr0 & Registers.CR0_TAG) == 0) {
            tlb.flush();
        } else {
            tlb.tagSwitched();
        }
    }

    /** Writes cr5, the tag of the current address space (effective when cr0.TAG is set). */
    public void setCr5(int value) {
        cr5 = value;
        if ((cr0 & Registers.CR0_TAG) != 0) {
            tag = value;
            tlb.tagSwitched();
        }
    }

    /** The single-page invalidate: drops the current address space's entry for {@code va}. */
    public void invalidatePage(int va) {
        tlb.invalidate(va >>> PhysicalMemory.PAGE_SHIFT, tag);
    }

    // --- translation ----------------------------------------------------------------------------

    /**
     * The physical address of {@code va} for an access of kind {@code access} ({@link #READ},
     * {@link #WRITE}, {@link #FETCH}) from ring {@code cpl}.
     *
     * @throws Fault a page fault, with cr2's value as its address
     */
    public int translate(int va, int access, int cpl) {
        if (!paging) {
            return va;
        }
        int required = (cpl == USER_RING ? Pte.USER : 0)
                | (access == WRITE ? writeRequirement(cpl) : 0);
        int frame = tlb.lookup(va >>> PhysicalMemory.PAGE_SHIFT, tag, required);
        if (frame >= 0) {
            return (frame << PhysicalMemory.PAGE_SHIFT) | (va & 0xFFF);
        }
        return walk(va, access, cpl);
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
                walked.effective() | (walked.pte() & Pte.DIRTY));
        return walked.address();
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
}
