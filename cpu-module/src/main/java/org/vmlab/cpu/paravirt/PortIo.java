package org.vmlab.cpu.paravirt;

import org.vmlab.machine.device.Board;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VirtualMachine;

/**
 * Port I/O of the paravirtual kernel: {@code in} and {@code out} trap from ring 1, and the
 * hypervisor performs them on the VM's emulated devices, as a trap-and-emulate VMM does (Xen
 * emulates a PV guest's port accesses likewise, in {@code emulate_privileged_op}). The devices
 * first catch up with the guest's time, as the bare machine's do at a port access.
 */
final class PortIo {
    private PortIo() {
    }

    static void emulate(VirtualMachine vm, Exit.IoAccess exit) {
        Vcpu vcpu = vm.vcpu();
        Instruction insn = exit.instruction();
        Board devices = vm.devices();
        devices.clock().advanceTo(vcpu.ticks());
        if (insn.opcode() == Opcode.IN) {
            vcpu.setRegister(insn.ra(), devices.io().in(insn.imm()));
        } else {
            devices.io().out(insn.imm(), vcpu.register(insn.rb()));
        }
        vcpu.setPc(exit.pc() + 4);
        vcpu.retire(1);
    }
}
