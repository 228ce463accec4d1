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
        // BEGIN SOLUTION: emulate each privileged instruction on the vCPU as bare metal would run it in ring 0, then retire it
        GuestVirtualMemory memory = vm.guestMemory();
        switch (insn.opcode()) {
            case HLT -> {
                if (vcpu.virtualInterruptsEnabled()) {
                    vcpu.startWaiting();
                } else {
                    vcpu.stop(StopReason.HALT, String.format("hlt at pc=0x%08x with interrupts disabled", pc));
                }
            }
            case CLI -> vcpu.setVirtualInterruptsEnabled(false);
            case STI -> vcpu.setVirtualInterruptsEnabled(true);
            case IRET -> {
                interruptReturn(vcpu, memory);
                vcpu.retire(1);
                return;
            }
            case PUSHF -> push(vcpu, memory, vcpu.flags());
            case POPF -> {
                int popped = memory.readWord(vcpu.register(SP), vcpu.virtualRing());
                vcpu.setRegister(SP, vcpu.register(SP) + 4);
                int writable = CONDITION_BITS | FLAG_IF;
                vcpu.setFlags((vcpu.flags() & ~writable) | (popped & writable));
            }
            case SMSW -> vcpu.setRegister(insn.ra(), (vcpu.controlRegister(Registers.CR0) & 0xFF)
                    | vcpu.virtualRing() << Registers.MSW_CPL_SHIFT);
            case SIDT -> vcpu.setRegister(insn.ra(), vcpu.idtr());
            case LIDT -> vcpu.setIdtr(vcpu.register(insn.rb()));
            case MFCR -> vcpu.setRegister(insn.ra(), vcpu.controlRegister(controlRegister(insn.imm())));
            case MTCR -> {
                int n = controlRegister(insn.imm());
                vcpu.setControlRegister(n, vcpu.register(insn.rb()));
                vm.memoryVirtualization().controlRegisterWritten(n);
            }
            case INVLPG -> vm.memoryVirtualization().invalidatePage(vcpu.register(insn.rb()));
            case IN -> {
                Board devices = vm.devices();
                devices.clock().advanceTo(vcpu.ticks());
                vcpu.setRegister(insn.ra(), devices.io().in(insn.imm()));
            }
            case OUT -> {
                Board devices = vm.devices();
                devices.clock().advanceTo(vcpu.ticks());
                devices.io().out(insn.imm(), vcpu.register(insn.rb()));
            }
            default -> throw new IllegalArgumentException(String.format(
                    "%s at pc=0x%08x is not a privileged instruction", insn.opcode(), pc));
        }
        vcpu.setPc(pc + 4);
        vcpu.retire(1);
        if (insn.opcode() == org.vmlab.machine.isa.Opcode.STI) {
            vcpu.blockInterruptsForOneInstruction();
        }
        // END SOLUTION
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
