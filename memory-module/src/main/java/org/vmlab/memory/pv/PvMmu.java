package org.vmlab.memory.pv;

import java.util.List;
import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.PageTableFrames;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * The paravirtual MMU: Xen's direct paging (Barham et al., "Xen and the Art of Virtualization",
 * SOSP 2003, section 3.3.3, "Virtual address translation"). The guest's page tables are the
 * ones the real MMU walks: they hold
 * machine frame numbers, which the guest learns from the frame list it is given; the guest reads
 * them freely, but changes them only by hypercall ({@code mmu_update}, {@code update_va_mapping},
 * {@code mmuext_op}), and the hypervisor validates every change ({@link PageTableValidator}). A
 * frame becomes a table only when pinned, and is then read-only to the guest; the base pointer
 * may only be a pinned directory. docs/paravirt.md ("The paravirtual MMU") is the interface.
 *
 * <p>Only a paravirtual guest can run on it, under the paravirtual CPU technique: a kernel that
 * writes cr3 itself is stopped ({@link #controlRegisterWritten}).
 *
 * <p>What the VMM must know to reach the guest's memory on its behalf changes with it
 * ({@link PageTableFrames}): the guest's tables and the vCPU's cr3 (the machine address of the
 * base pointer) name machine frames, which the VMM's walk turns back into guest frames; before
 * the first base pointer the guest runs as with paging off, on a mapping the hypervisor builds,
 * in which its pinned frames are read-only as well.
 *
 * <p>The p2m is fixed: every guest frame is backed from the start and stays on its machine frame,
 * since the guest's tables name it. Page sharing and ballooning are refused
 * ({@link GuestPhysicalMemory#populate}). A write that the VMM or a device makes into a pinned
 * frame bypasses validation (a disk's DMA, say): it is undone, so that pinned frames are
 * read-only to the guest's devices too.
 */
public final class PvMmu implements MemoryVirtualization {
    private final PageTableValidator validator;
    private final GuestPhysicalMemory.ChangeListener changes = new GuestPhysicalMemory.ChangeListener() {
        @Override
        public void written(int gpa) {
            undoWriteToPinnedFrame(gpa);
        }
    };
    private VirtualMachine vm;
    private DirectPaging paging;

    /** Direct paging with {@code validator}'s rules. */
    public PvMmu(PageTableValidator validator) {
        this.validator = validator;
    }

    @Override
    public String name() {
        return "pv-mmu";
    }

    /** Under direct paging the guest's page tables hold this host's machine frame numbers. */
    @Override
    public java.util.Optional<String> whyNotCapturable() {
        return java.util.Optional.of("under direct paging its page tables name this host's machine frames,"
                + " which another host's would not be (use --mem shadow or nested)");
    }

    @Override
    public List<VmmEvent> events() {
        return PvMmuEvent.ALL;
    }

    /**
     * Gives the VM all its memory at once, builds the mapping it boots on, tells the VMM's
     * accesses how to read the guest's tables, and registers the three hypercalls.
     */
    @Override
    public void attach(VirtualMachine machine) {
        this.vm = machine;
        GuestPhysicalMemory memory = machine.memory();
        if (memory.frameLimit() < memory.frames()) {
            throw new IllegalArgumentException(String.format("the paravirtual MMU gives a VM all its memory at"
                    + " once: %s has %d frames but may hold only %d; raise its frame limit",
                    machine.name(), memory.frames(), memory.frameLimit()));
        }
        memory.populate("under direct paging the guest's own page tables name them");
        paging = new DirectPaging(machine, validator);
        machine.guestMemory().setPageTableFrames(new MachineFrameNames());
        memory.addListener(changes);
        HypercallTable calls = machine.hypercalls();
        calls.register(MmuUpdate.NUMBER, "mmu_update", name(), counted("mmu_update", new MmuUpdate(paging)));
        calls.register(UpdateVaMapping.NUMBER, "update_va_mapping", name(),
                counted("update_va_mapping", new UpdateVaMapping(paging)));
        calls.register(MmuextOp.NUMBER, "mmuext_op", name(), counted("mmuext_op", new MmuextOp(paging)));
    }

    /** Counted by name as the paravirtual CPU counts its calls, in a multicall or not. */
    private static HypercallTable.Hypercall counted(String name, HypercallTable.Hypercall call) {
        return (machine, args) -> {
            machine.counters().add("pv.hypercall." + name, 1);
            return call.call(machine, args);
        };
    }

    /** Paging always on for real: the builder's mapping, or the guest's own tables. */
    @Override
    public void activate() {
        vm.host().cpu().setControlRegister(Registers.CR0, DirectPaging.CR0);
        vm.host().cpu().setControlRegister(Registers.CR3, paging.root());
    }

    /**
     * A paravirtual kernel loads its base pointer by hypercall ({@code MMUEXT_NEW_BASEPTR}); it
     * cannot write cr0 or cr3 (ring 1 may not: the paravirtual CPU delivers it #GP). Only a CPU
     * technique that emulates such a write, for a kernel not built for direct paging, comes here:
     * its tables hold guest-physical frames, which must never reach the real MMU. The VM stops,
     * saying so; the vCPU's registers are put back as direct paging keeps them.
     */
    @Override
    public void controlRegisterWritten(int cr) {
        Vcpu vcpu = vm.vcpu();
        vcpu.setControlRegister(Registers.CR0, paging.onBuilderMapping() ? 0 : DirectPaging.CR0);
        vcpu.setControlRegister(Registers.CR3, paging.onBuilderMapping() ? 0
                : paging.table().base() << PhysicalMemory.PAGE_SHIFT);
        vcpu.stop(StopReason.GUEST_ERROR, "the guest wrote cr" + cr + ", but under the paravirtual MMU"
                + " (pv-mmu) a kernel loads its page tables with mmuext_op(MMUEXT_NEW_BASEPTR): it needs a"
                + " paravirtual kernel and CPU technique");
    }

    @Override
    public void invalidatePage(int va) {
        paging.invalidatePage(va);
    }

    /**
     * Every fault on RAM is the guest's: its own tables (or, before its first base pointer, the
     * builder's, where pinned frames are read-only) deny the access, or the TLB still held an
     * entry it changed without a flush, as on bare metal. An access to a device register is
     * emulated.
     */
    @Override
    public PageFaultOutcome pageFault(Exit.PageFault exit) {
        Vcpu vcpu = vm.vcpu();
        int gpa = exit.address();
        if (vcpu.pagingEnabled()) {
            try {
                gpa = vm.guestMemory().walker().walk(exit.address(), accessOf(exit.errorCode()), exit.privilege(),
                        vcpu.controlRegister(Registers.CR3), true, false).gpa();
            } catch (Fault denied) {
                return new PageFaultOutcome.GuestFault(denied);
            }
        }
        if (!vm.memory().isRam(gpa)) {
            return PageFaultOutcome.DEVICE_ACCESS;
        }
        return new PageFaultOutcome.GuestFault(new Fault(Vector.PAGE_FAULT, exit.errorCode(), exit.address()));
    }

    /** The builder's frames go back, if the guest never left its mapping. */
    @Override
    public void detach() {
        vm.memory().removeListener(changes);
        paging.release();
    }

    /** The frame table, for tests and reports. */
    public FrameTable frameTable() {
        return paging.table();
    }

    /** The machine address the real cr3 holds while this VM runs. */
    public int root() {
        return paging.root();
    }

    /** True while the guest runs on the builder's mapping, before its first base pointer. */
    public boolean onBuilderMapping() {
        return paging.onBuilderMapping();
    }

    /** The builder's mapping while the guest runs on it, else null. */
    BuilderMapping builder() {
        return paging.builder();
    }

    /** The validator's view of the VM's frames. */
    public PageTableValidator.Frames frames() {
        return paging.frames();
    }

    /**
     * The VMM or a device wrote into a pinned frame, past validation: the word goes back to the
     * entry as validated (the real MMU's accessed and dirty bits aside).
     */
    private void undoWriteToPinnedFrame(int gpa) {
        int mfn = vm.memory().machineFrame(gpa >>> PhysicalMemory.PAGE_SHIFT);
        if (paging.table().pinned(mfn)) {
            int index = (gpa & 0xFFF) >>> 2;
            vm.memory().machineFrames().memory().writeWord(mfn << PhysicalMemory.PAGE_SHIFT | index << 2,
                    paging.table().entry(mfn, index));
            vm.counters().add("pv.mmu.writes_undone", 1);
        }
    }

    private static int accessOf(int errorCode) {
        if ((errorCode & Vector.PF_WRITE) != 0) {
            return Mmu.WRITE;
        }
        return (errorCode & Vector.PF_FETCH) != 0 ? Mmu.FETCH : Mmu.READ;
    }

    /**
     * The guest's tables, and the vCPU's cr3, name machine frames: each stands for the guest
     * frame it backs, or a device page (the same address in both); pinned frames are read-only
     * with paging off too, as the builder's mapping keeps them.
     */
    private final class MachineFrameNames implements PageTableFrames {
        @Override
        public int guestFrame(int frame) {
            int gfn = vm.memory().guestFrameOf(frame);
            if (gfn >= 0) {
                return gfn;
            }
            return frame >= vm.memory().machineFrames().memory().frames() ? frame : NONE;
        }

        @Override
        public boolean writableWithPagingOff(int gfn) {
            return !paging.table().pinned(vm.memory().machineFrame(gfn));
        }
    }
}
