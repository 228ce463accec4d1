package org.vmlab.memory.pv;

import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.VirtualMachine;

/**
 * What the paravirtual MMU's hypercalls do to one VM's page tables, one request at a time (Xen's
 * {@code mod_l1_entry}, {@code mod_l2_entry}, pinning, {@code new_guest_cr3}): each change to a
 * pinned frame is validated by the {@link PageTableValidator}, recorded in the {@link FrameTable},
 * written, and followed by the real MMU. Each operation returns 0 or a negated {@link Errno}, and
 * changes nothing when it fails.
 */
final class DirectPaging {
    /** cr0 while the guest runs on its own tables: paging, and ring 1 honours read-only pages. */
    static final int CR0 = Registers.CR0_PG | Registers.CR0_WP;

    private final VirtualMachine vm;
    private final GuestPhysicalMemory memory;
    private final PhysicalMemory machine;
    private final FrameTable table;
    private final PageTableValidator validator;
    private final PageTableValidator.Frames frames = new ValidatorView();
    private BuilderMapping builder;

    /** Direct paging for {@code vm}, whose every frame is backed already, on the builder's mapping. */
    DirectPaging(VirtualMachine vm, PageTableValidator validator) {
        this.vm = vm;
        this.memory = vm.memory();
        this.machine = memory.machineFrames().memory();
        this.table = new FrameTable(machine.frames());
        this.validator = validator;
        this.builder = new BuilderMapping(memory);
    }

    FrameTable table() {
        return table;
    }

    /** The machine address the real cr3 holds: the base pointer's, else the builder's mapping. */
    int root() {
        return builder != null ? builder.root() : table.base() << PhysicalMemory.PAGE_SHIFT;
    }

    /** True while the guest runs on the builder's mapping: it has loaded no base pointer yet. */
    boolean onBuilderMapping() {
        return builder != null;
    }

    /** The builder's mapping, while the guest runs on it; else null. */
    BuilderMapping builder() {
        return builder;
    }

    /**
     * Writes {@code value} into the word at machine address {@code pointer} (low two bits: the
     * command, {@code MMU_NORMAL_PT_UPDATE}): validated first if the frame is pinned, as it is
     * if not.
     */
    int update(int pointer, int value) {
        if ((pointer & 3) != MmuUpdate.MMU_NORMAL_PT_UPDATE) {
            return -Errno.EINVAL;
        }
        int mfn = pointer >>> PhysicalMemory.PAGE_SHIFT;
        int index = (pointer & 0xFFF) >>> 2;
        if (!memory.owns(mfn)) {
            return -Errno.EPERM;
        }
        PageType type = table.type(mfn);
        if (type == PageType.NONE) {
            memory.writeWord(memory.guestFrameOf(mfn) << PhysicalMemory.PAGE_SHIFT | index << 2, value);
            return 0;
        }
        vm.counters().event(PvMmuEvent.ENTRY_VALIDATION);
        boolean valid = type == PageType.L1 ? validator.l1Entry(frames, value) : validator.l2Entry(frames, value);
        if (!valid) {
            vm.counters().add("pv.mmu.rejected", 1);
            return -Errno.EPERM;
        }
        vm.counters().add("pv.mmu.validated", 1);
        table.setEntry(mfn, index, value);
        machine.writeWord(pointer & ~3, value);   // not through the p2m's listeners: it is no bypass
        return 0;
    }

    /** Pins frame {@code mfn} as a table of {@code type}, once every entry of it is validated. */
    int pin(int mfn, PageType type) {
        if (!memory.owns(mfn)) {
            return -Errno.EPERM;
        }
        if (table.pinned(mfn)) {
            return -Errno.EINVAL;
        }
        int[] entries = new int[FrameTable.ENTRIES];
        int present = 0;
        for (int i = 0; i < entries.length; i++) {
            entries[i] = machine.readWord(mfn << PhysicalMemory.PAGE_SHIFT | i << 2);
            present += entries[i] & Pte.PRESENT;
        }
        for (int i = 0; i < present; i++) {
            vm.counters().event(PvMmuEvent.ENTRY_VALIDATION);
        }
        if (!validator.frame(frames, mfn, type, entries)) {
            vm.counters().add("pv.mmu.rejected", 1);
            return -Errno.EPERM;
        }
        vm.counters().add("pv.mmu.validated", present);
        vm.counters().add("pv.mmu.pins", 1);
        table.pin(mfn, type, entries);
        if (builder != null) {
            builder.setReadOnly(memory.guestFrameOf(mfn), true);
        }
        // The real TLB may still hold a writable translation of the frame from an entry changed
        // since without a flush: Xen flushes as a frame takes a table type, and so does this.
        vm.host().mmu().tlb().flush();
        return 0;
    }

    /** Unpins frame {@code mfn}, unless a directory points at it or it is the base pointer. */
    int unpin(int mfn) {
        if (!memory.owns(mfn)) {
            return -Errno.EPERM;
        }
        if (!table.pinned(mfn)) {
            return -Errno.EINVAL;
        }
        if (table.inUse(mfn) > 0) {
            return -Errno.EBUSY;
        }
        table.unpin(mfn);
        vm.counters().add("pv.mmu.unpins", 1);
        if (builder != null) {
            int gfn = memory.guestFrameOf(mfn);
            builder.setReadOnly(gfn, false);
            vm.host().mmu().invalidatePage(gfn << PhysicalMemory.PAGE_SHIFT);
        }
        return 0;
    }

    /**
     * The guest's address space becomes the one under pinned directory {@code mfn}: the real cr3
     * points at it, and so does the vCPU's, a machine address (the guest's tables name machine
     * frames). The first base pointer ends the builder's mapping, which gives its frames back.
     */
    int newBase(int mfn) {
        if (!memory.owns(mfn)) {
            return -Errno.EPERM;
        }
        if (table.type(mfn) != PageType.L2) {
            return -Errno.EINVAL;
        }
        table.setBase(mfn);
        if (builder != null) {
            builder.release();
            builder = null;
        }
        vm.vcpu().setControlRegister(Registers.CR0, CR0);
        vm.vcpu().setControlRegister(Registers.CR3, mfn << PhysicalMemory.PAGE_SHIFT);
        vm.host().cpu().setControlRegister(Registers.CR0, CR0);
        vm.host().cpu().setControlRegister(Registers.CR3, root());   // flushes the TLB
        return 0;
    }

    /** The directory entry that maps {@code va} in the current address space, or 0 (none, or no base yet). */
    int directoryEntry(int va) {
        return table.base() == FrameTable.NO_BASE ? 0 : table.entry(table.base(), Pte.directoryIndex(va));
    }

    /** Drops every translation of the real TLB. */
    void flushTlb() {
        vm.host().mmu().tlb().flush();
    }

    /** Drops the real TLB's translation of {@code va}. */
    void invalidatePage(int va) {
        vm.host().mmu().invalidatePage(va);
    }

    /** The VM is going: the builder's frames go back, if the guest never left its mapping. */
    void release() {
        if (builder != null) {
            builder.release();
            builder = null;
        }
    }

    /** The VM's frames, as the validator sees them. */
    PageTableValidator.Frames frames() {
        return frames;
    }

    private final class ValidatorView implements PageTableValidator.Frames {
        @Override
        public boolean owns(int mfn) {
            return memory.owns(mfn);
        }

        @Override
        public boolean isDevicePage(int mfn) {
            return mfn >= machine.frames()
                    && vm.devices().mmio().overlaps(mfn << PhysicalMemory.PAGE_SHIFT, PhysicalMemory.PAGE_SIZE);
        }

        @Override
        public PageType type(int mfn) {
            return table.type(mfn);
        }

        @Override
        public int writableMappings(int mfn) {
            return table.writableMappings(mfn);
        }
    }
}
