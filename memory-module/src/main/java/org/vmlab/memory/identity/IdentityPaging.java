package org.vmlab.memory.identity;

import org.vmlab.machine.Cpu;
import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.Vcpu;

/**
 * No memory virtualization at all: the VM's guest-physical memory is the machine's memory, frame
 * for frame, and the real MMU walks the guest's own page tables as they are. Only device
 * registers are the VMM's: an access to one traps and is emulated.
 *
 * <p>It gives up what memory virtualization is for, resource control: the guest can map and reach
 * every frame of the machine. So it runs one VM, which must own the whole machine. It exists so
 * that CPU virtualization can be built and studied on its own (Labs 1 and 2), and, next to shadow
 * paging, to show what shadow paging adds: resource control.
 */
public final class IdentityPaging implements MemoryVirtualization {
    /**
     * What the machine may have beyond the VM's memory: one page, the VMM's own, for a CPU
     * technique that needs one (the VMCS of hardware assistance). The guest's tables could map it,
     * as they can map any frame: identity paging gives up that control.
     */
    public static final int VMM_BYTES = 4096;

    private VirtualMachine vm;

    @Override
    public String name() {
        return "identity";
    }

    /** Identity paging gives the guest the machine's own memory, which no VMM reads or moves. */
    @Override
    public java.util.Optional<String> whyNotCapturable() {
        return java.util.Optional.of("under identity paging its memory is the machine's own, not the VMM's to"
                + " move (use --mem shadow or nested)");
    }

    /** One VM, the machine's memory frame for frame. */
    @Override
    public boolean ownsTheMachine() {
        return true;
    }

    /** The real MMU walks the guest's own tables: its cr3 and invlpg need not exit. */
    @Override
    public boolean needsAddressSpaceExits() {
        return false;
    }

    @Override
    public void attach(VirtualMachine machine) {
        int machineBytes = machine.host().memory().size();
        int vmmBytes = machineBytes - machine.memory().size();
        if (vmmBytes != 0 && vmmBytes != VMM_BYTES) {
            throw new IllegalArgumentException(String.format(
                    "identity paging gives the VM the whole machine: the machine has %d KiB of memory, "
                            + "the VM %d KiB; make them equal (or the machine one page more, for a VMCS)",
                    machineBytes >> 10, machine.memory().size() >> 10));
        }
        machine.memory().backIdentically();
        this.vm = machine;
    }

    @Override
    public void activate() {
        Cpu cpu = vm.host().cpu();
        Vcpu vcpu = vm.vcpu();
        cpu.setControlRegister(Registers.CR3, vcpu.controlRegister(Registers.CR3));
        cpu.setControlRegister(Registers.CR0, vcpu.controlRegister(Registers.CR0));
    }

    @Override
    public void controlRegisterWritten(int cr) {
        if (cr == Registers.CR0 || cr == Registers.CR3) {
            activate();
        }
    }

    @Override
    public void invalidatePage(int va) {
        vm.host().mmu().invalidatePage(va);
    }

    /**
     * A fault on the guest's own tables is the guest's, as the real MMU raised it (the tables
     * and the TLB it walked are the guest's); an access to a device register is emulated.
     */
    @Override
    public PageFaultOutcome pageFault(Exit.PageFault exit) {
        Vcpu vcpu = vm.vcpu();
        String unfollowed = unfollowedControlRegister();
        if (unfollowed != null) {
            vcpu.stop(StopReason.MONITOR_ERROR, unfollowed);
            return PageFaultOutcome.FIXED;   // nothing to reflect or emulate: the VM stops here
        }
        int gpa = exit.address();
        if (vcpu.pagingEnabled()) {
            try {
                gpa = vm.guestMemory().walker().walk(exit.address(), accessOf(exit.errorCode()),
                        exit.privilege(), vcpu.controlRegister(Registers.CR3),
                        (vcpu.controlRegister(Registers.CR0) & Registers.CR0_WP) != 0, false).gpa();
            } catch (Fault denied) {
                return new PageFaultOutcome.GuestFault(denied);   // its own tables say no
            }
        }
        if (!vm.memory().isRam(gpa)) {
            return PageFaultOutcome.DEVICE_ACCESS;
        }
        // The guest's tables allow it now, yet the real MMU, walking those very tables, faulted:
        // its TLB still held the entry from before the guest changed it without invlpg. Bare
        // metal, with the same TLB, faults the same way: the fault is the guest's, as it came.
        return new PageFaultOutcome.GuestFault(new Fault(Vector.PAGE_FAULT, exit.errorCode(),
                exit.address()));
    }

    /**
     * Why the real MMU does not run on the guest's own cr0 and cr3, or null when it does. Only a
     * VMM that emulated the guest's write to one of them without telling memory virtualization
     * ({@link #controlRegisterWritten}) leaves them apart; the real MMU then walks tables the
     * guest left (or runs with paging on or off as the guest no longer does), and the fault came
     * from there: the VMM's error, said as such rather than reflected into the guest.
     */
    private String unfollowedControlRegister() {
        Cpu cpu = vm.host().cpu();
        Vcpu vcpu = vm.vcpu();
        for (int cr : new int[] {Registers.CR0, Registers.CR3}) {
            int guest = vcpu.controlRegister(cr);
            int real = cpu.controlRegister(cr);
            if (guest != real) {
                return String.format("identity paging: the guest's cr%d is 0x%08x but the real MMU's is still 0x%08x:"
                        + " the VMM emulated a write to cr%d without telling memory virtualization (after"
                        + " setting the vCPU's cr%d, call vm.memoryVirtualization().controlRegisterWritten(%d))",
                        cr, guest, real, cr, cr, cr);
            }
        }
        return null;
    }

    private static int accessOf(int errorCode) {
        if ((errorCode & Vector.PF_WRITE) != 0) {
            return Mmu.WRITE;
        }
        return (errorCode & Vector.PF_FETCH) != 0 ? Mmu.FETCH : Mmu.READ;
    }
}
