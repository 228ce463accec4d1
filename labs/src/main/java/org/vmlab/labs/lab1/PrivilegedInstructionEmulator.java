package org.vmlab.labs.lab1;

import static org.vmlab.machine.isa.Registers.CONDITION_BITS;
import static org.vmlab.machine.isa.Registers.CPL_MASK;
import static org.vmlab.machine.isa.Registers.FLAG_IF;
import static org.vmlab.machine.isa.Registers.SP;

import org.vmlab.cpu.InstructionEmulator;
import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.Board;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.GuestVirtualMemory;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VirtualMachine;

/**
 * Lab 1, part 2: emulating the privileged instructions of the guest kernel on its vCPU. Each does
 * to the virtual state what the instruction does on bare metal in ring 0 (docs/isa.md): the
 * virtual IF, the virtual ring, the virtual control registers, the emulated devices.
 */
public final class PrivilegedInstructionEmulator implements InstructionEmulator {

    @Override
    public void emulate(VirtualMachine vm, Instruction insn) {
        Vcpu vcpu = vm.vcpu();
        int pc = vcpu.pc();
        throw new UnsupportedOperationException("TODO(lab1): emulate each privileged instruction on the vCPU as bare metal would run it in ring 0, then retire it");
    }

    /** A control register number the guest may name, else the #GP bare metal raises. */
    private static int controlRegister(int n) {
        if (!Registers.isControlRegister(n)) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        return n;
    }

    /** {@code iret}: pop pc, FLAGS (virtual ring and IF included) and sp, as ring 0 reads them. */
    private static void interruptReturn(Vcpu vcpu, GuestVirtualMemory memory) {
        int sp = vcpu.register(SP);
        int newPc = memory.readWord(sp, 0);
        int newFlags = memory.readWord(sp + 4, 0);
        int newSp = memory.readWord(sp + 8, 0);
        vcpu.setPc(newPc);
        vcpu.setFlags(newFlags & (CONDITION_BITS | FLAG_IF | CPL_MASK));
        vcpu.setRegister(SP, newSp);
    }

    private static void push(Vcpu vcpu, GuestVirtualMemory memory, int value) {
        int sp = vcpu.register(SP) - 4;
        memory.writeWord(sp, value, vcpu.virtualRing());
        vcpu.setRegister(SP, sp);
    }
}
