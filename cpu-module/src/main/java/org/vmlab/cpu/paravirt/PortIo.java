package org.vmlab.cpu.paravirt;

import org.vmlab.machine.device.IoBus;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VirtualMachine;

/**
 * Port I/O of the paravirtual kernel: {@code in} and {@code out} trap from ring 1, and the
 * hypervisor performs them on the VM's port bus (Xen emulates a PV guest's permitted port
 * accesses likewise, in {@code emulate_privileged_op}). The VM's devices run on the guest's
 * time, so they are brought up to the vCPU's ticks before the access, as a bare machine's
 * devices are at the time of an access and as the core does for a memory-mapped register.
 */
final class PortIo {
    private PortIo() {
    }

    static void emulate(VirtualMachine vm, Exit.IoAccess exit) {
        Vcpu vcpu = vm.vcpu();
        Instruction access = exit.instruction();
        IoBus ports = vm.devices().io();
        vm.devices().clock().advanceTo(vcpu.ticks());
        if (access.opcode() == Opcode.IN) {
            vcpu.setRegister(access.ra(), ports.in(access.imm()));
        } else {
            ports.out(access.imm(), vcpu.register(access.rb()));
        }
        vcpu.setPc(exit.pc() + 4);
        vcpu.retire(1);
    }
}
