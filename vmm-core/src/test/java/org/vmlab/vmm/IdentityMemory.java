package org.vmlab.vmm;

import org.vmlab.machine.Cpu;
import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;

/**
 * A test double of memory virtualization: none at all, as memory-module's {@code IdentityPaging}.
 * Guest-physical memory is backed by the machine frames of the same numbers
 * ({@link GuestPhysicalMemory#backIdentically}), and the real MMU walks the guest's own page
 * tables (the guest's cr0 and cr3 are put on the real MMU). So every page fault is the guest's,
 * except an access to a device register, which the VMM emulates.
 *
 * <p>Published in vmm-core's test jar, for the technique modules' tests (cpu-module's tiny VMs).
 */
public final class IdentityMemory implements MemoryVirtualization {
    private VirtualMachine vm;

    @Override
    public String name() {
        return "identity-test-double";
    }

    @Override
    public void attach(VirtualMachine machine) {
        if (machine.memory().size() != machine.host().memory().size()) {
            throw new IllegalArgumentException("the VM must have exactly the machine's memory");
        }
        machine.memory().backIdentically();
        this.vm = machine;
    }

    @Override
    public void activate() {
        Cpu cpu = vm.host().cpu();
        cpu.setControlRegister(Registers.CR3, vm.vcpu().controlRegister(Registers.CR3));
        cpu.setControlRegister(Registers.CR0, vm.vcpu().controlRegister(Registers.CR0));
    }

    @Override
    public void controlRegisterWritten(int cr) {
        activate();
    }

    @Override
    public void invalidatePage(int va) {
        vm.host().mmu().invalidatePage(va);
    }

    @Override
    public PageFaultOutcome pageFault(Exit.PageFault exit) {
        Vcpu vcpu = vm.vcpu();
        int gpa = exit.address();
        if (vcpu.pagingEnabled()) {
            int access = (exit.errorCode() & Vector.PF_WRITE) != 0 ? Mmu.WRITE
                    : (exit.errorCode() & Vector.PF_FETCH) != 0 ? Mmu.FETCH : Mmu.READ;
            try {
                gpa = vm.guestMemory().walker().walk(exit.address(), access, vcpu.virtualRing(),
                        vcpu.controlRegister(Registers.CR3),
                        (vcpu.controlRegister(Registers.CR0) & Registers.CR0_WP) != 0, false).gpa();
            } catch (Fault denied) {
                return new PageFaultOutcome.GuestFault(denied);
            }
        }
        if (!vm.memory().isRam(gpa)) {
            return PageFaultOutcome.DEVICE_ACCESS;
        }
        throw new IllegalStateException("a page fault the guest's own tables allow: " + exit);
    }
}
