package org.vmlab.cpu.hardware;

import static org.vmlab.machine.isa.Registers.CONDITION_BITS;
import static org.vmlab.machine.isa.Registers.CPL_MASK;
import static org.vmlab.machine.isa.Registers.FLAG_IF;
import static org.vmlab.machine.isa.Registers.SP;

import org.vmlab.machine.Cpu;
import org.vmlab.machine.ExitControls;
import org.vmlab.machine.Machine;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmxControls;
import org.vmlab.vmm.MachineFrames;
import org.vmlab.vmm.VcpuBinding;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VirtualMachine;

/**
 * A vCPU bound to the real CPU through a VMCS (Intel's VT-x; docs/isa.md, "Hardware-assisted
 * virtualization"): the guest kernel keeps ring 0, of non-root mode, and its own IF, so the real
 * FLAGS are the guest's as they are (no ring compression).
 *
 * <p>The {@link Vcpu} stays the record of the guest's state between runs, as for every other
 * technique, so that the VMM's emulators and {@link org.vmlab.vmm.VirtualTraps} work on it
 * unchanged. {@link #toVmcs} copies it into the VMCS's guest-state area before a VM entry; the
 * general registers, which VT-x does not switch, are already on the real CPU (the vCPU is loaded).
 * {@link #fromVmcs} copies the guest state back after the VM exit, and puts pc, sp and FLAGS back on
 * the real CPU, where the exit loaded the host's: the Java monitor has no state of its own there.
 *
 * <p>Control registers: cr0 is the memory technique's on the real CPU (shadow paging runs with
 * paging always on) and the guest's in the vCPU; the guest reads the vCPU's through the read
 * shadow, and a write that changes it exits (every bit is in the guest/host mask). cr3 is the same
 * when the memory technique follows the guest's address-space switches ({@code cr3Exits}: CR3-load
 * and CR3-store exiting), else the guest's own. cr4 is masked too: it is the kernel stack the
 * hardware switches to, which the VMM must see change. cr2 and cr5 are the guest's, switched.
 */
public final class VmcsBinding implements VcpuBinding {
    private int address = -1;
    private Vmcs vmcs;

    /**
     * Takes a frame of the VMM's own for the VMCS (the vCPU is made before its technique is
     * attached, so the binding exists before its frame does).
     */
    public void allocate(MachineFrames frames) {
        if (address >= 0) {
            throw new IllegalStateException("the vCPU's VMCS is allocated already");
        }
        address = frames.allocate(MachineFrames.VMM) << 12;
    }

    /** The machine address of the VMCS, or -1 before {@link #allocate}. */
    public int address() {
        return address;
    }

    @Override
    public void enter(Machine host) {
        // Root mode runs no guest code; the monitor's own traps stay its own.
        host.cpu().setExitControls(ExitControls.EVERY_TRAP);
        host.mmio().setTrapping(true);   // device windows fault, and #PF exits
        host.io().revokeAll();
        if (address < 0) {
            throw new IllegalStateException("no VMCS: the binding's frame was never allocated");
        }
        if (vmcs == null) {
            vmcs = Vmcs.format(host.memory(), address);
        }
        Cpu cpu = host.cpu();
        if (cpu.currentVmcs() == null || cpu.currentVmcs().address() != address) {
            int error = cpu.vmptrld(address);
            if (error != 0) {
                throw new IllegalStateException("vmptrld of the vCPU's VMCS failed: error " + error);
            }
        }
    }

    /** The guest's FLAGS, as they are: its kernel runs in ring 0 of non-root mode. */
    @Override
    public int realFlags(int guestFlags) {
        return guestFlags;
    }

    @Override
    public int realRing(int virtualRing) {
        return virtualRing;
    }

    /** The VMCS (after the first {@link #enter}). */
    public Vmcs vmcs() {
        return vmcs;
    }

    /**
     * Loads the guest-state area and the control-register shadows from {@code vm}'s vCPU. With
     * {@code nestedPaging} the guest's cr0 is its own, as its cr3 is: the MMU walks the guest's
     * tables (and the nested ones after them).
     */
    void toVmcs(VirtualMachine vm, boolean cr3Exits, boolean nestedPaging) {
        Vcpu vcpu = vm.vcpu();
        Cpu cpu = vm.host().cpu();
        Vmcs v = vmcs;
        v.write(VmcsField.GUEST_PC, vcpu.pc());
        v.write(VmcsField.GUEST_SP, vcpu.register(SP));
        v.write(VmcsField.GUEST_FLAGS, vcpu.flags());
        v.write(VmcsField.GUEST_CR0, nestedPaging ? vcpu.controlRegister(Registers.CR0) : cpu.controlRegister(Registers.CR0));
        v.write(VmcsField.CR0_GUEST_HOST_MASK, -1);
        v.write(VmcsField.CR0_READ_SHADOW, vcpu.controlRegister(Registers.CR0));
        v.write(VmcsField.GUEST_CR3, cr3Exits ? cpu.controlRegister(Registers.CR3)
                : vcpu.controlRegister(Registers.CR3));
        v.write(VmcsField.GUEST_CR4, vcpu.controlRegister(Registers.CR4));
        v.write(VmcsField.CR4_GUEST_HOST_MASK, -1);
        v.write(VmcsField.CR4_READ_SHADOW, vcpu.controlRegister(Registers.CR4));
        v.write(VmcsField.GUEST_CR2, vcpu.controlRegister(Registers.CR2));
        v.write(VmcsField.GUEST_CR5, vcpu.controlRegister(Registers.CR5));
        v.write(VmcsField.GUEST_IDTR_BASE, vcpu.idtr());
        v.write(VmcsField.GUEST_INTERRUPTIBILITY_STATE, vcpu.virtualInterruptsEnabled()
                && vcpu.interruptsBlockedUntil() > vcpu.ticks() ? VmxControls.INTERRUPTIBILITY_STI : 0);
        v.write(VmcsField.GUEST_ACTIVITY_STATE, VmxControls.ACTIVITY_ACTIVE);
        // The host state: the real MMU as the memory technique set it, so that an exit leaves it so.
        v.write(VmcsField.HOST_CR0, cpu.controlRegister(Registers.CR0));
        v.write(VmcsField.HOST_CR3, cpu.controlRegister(Registers.CR3));
        v.write(VmcsField.HOST_CR4, 0);
        v.write(VmcsField.HOST_CR5, cpu.controlRegister(Registers.CR5));
        v.write(VmcsField.HOST_IDTR_BASE, 0);
        v.write(VmcsField.HOST_SP, 0);
        v.write(VmcsField.HOST_PC, 0);
    }

    /**
     * After a VM exit: the guest state saved in the VMCS back into {@code vm}'s vCPU, and pc, sp
     * and FLAGS onto the real CPU, where the vCPU keeps them while it is loaded.
     */
    void fromVmcs(VirtualMachine vm, boolean cr3Exits, boolean nestedPaging) {
        Vcpu vcpu = vm.vcpu();
        Cpu cpu = vm.host().cpu();
        Vmcs v = vmcs;
        vcpu.setPc(v.read(VmcsField.GUEST_PC));
        vcpu.setRegister(SP, v.read(VmcsField.GUEST_SP));
        vcpu.setFlags(v.read(VmcsField.GUEST_FLAGS) & (CONDITION_BITS | FLAG_IF | CPL_MASK));
        if (!cr3Exits) {
            int cr3 = v.read(VmcsField.GUEST_CR3);
            vcpu.setControlRegister(Registers.CR3, cr3);
            if (!nestedPaging && cpu.controlRegister(Registers.CR3) != cr3) {   // identity: the MMU's own
                cpu.setControlRegister(Registers.CR3, cr3);
            }
        }
        vcpu.setControlRegister(Registers.CR2, v.read(VmcsField.GUEST_CR2));
        vcpu.setControlRegister(Registers.CR5, v.read(VmcsField.GUEST_CR5));
        vcpu.setIdtr(v.read(VmcsField.GUEST_IDTR_BASE));
        if ((v.read(VmcsField.GUEST_INTERRUPTIBILITY_STATE) & VmxControls.INTERRUPTIBILITY_STI) != 0) {
            vcpu.blockInterruptsForOneInstruction();
        }
    }
}
