package org.vmlab.vmm;

import static org.vmlab.machine.isa.Registers.SP;

import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Vector;

/**
 * Emulates the guest instruction at pc that touches memory, when the access may not run directly:
 * a store into a page-table page that the VMM traces, or a load or store that reaches an emulated
 * device's registers. The access goes through {@link GuestVirtualMemory}, with the guest's own
 * permissions; the instruction then retires as it would have on bare metal.
 */
public final class MemoryInstructionEmulator {
    private MemoryInstructionEmulator() {
    }

    /**
     * Emulates the instruction at the vCPU's pc.
     *
     * @throws Fault the guest's fault, if its own tables deny the access
     * (An instruction there that does not access memory stops the VM with
     * {@code MONITOR_ERROR}: the VMM lost track of the fault.)
     */
    public static void emulate(VirtualMachine vm) {
        Vcpu vcpu = vm.vcpu();
        GuestVirtualMemory memory = vm.guestMemory();
        int pc = vcpu.pc();
        Instruction insn = Instruction.decode(memory.fetch(pc));
        if (insn == null) {
            throw new Fault(Vector.INVALID_OPCODE, 0);
        }
        int ring = vcpu.virtualRing();
        int address = vcpu.register(insn.rb()) + insn.imm();
        int next = pc + 4;
        switch (insn.opcode()) {
            case LW -> vcpu.setRegister(insn.ra(), memory.readWord(address, ring));
            case LB -> vcpu.setRegister(insn.ra(), (byte) memory.readByte(address, ring));
            case LBU -> vcpu.setRegister(insn.ra(), memory.readByte(address, ring));
            case SW -> memory.writeWord(address, vcpu.register(insn.ra()), ring);
            case SB -> memory.writeByte(address, vcpu.register(insn.ra()), ring);
            case PUSH -> push(vcpu, memory, vcpu.register(insn.rb()), ring);
            case POP -> {
                int value = memory.readWord(vcpu.register(SP), ring);
                vcpu.setRegister(SP, vcpu.register(SP) + 4);
                vcpu.setRegister(insn.ra(), value);
            }
            case CALL -> {
                push(vcpu, memory, next, ring);
                next = insn.branchTarget(pc);
            }
            case CALLR -> {
                int target = vcpu.register(insn.rb());
                push(vcpu, memory, next, ring);
                next = target;
            }
            case RET -> {
                next = memory.readWord(vcpu.register(SP), ring);
                vcpu.setRegister(SP, vcpu.register(SP) + 4);
            }
            default -> {
                // The fault that sent it here was not this instruction's data access (its code
                // changed since, say): the VMM lost track, which is its error, not the guest's.
                vcpu.stop(StopReason.MONITOR_ERROR, String.format("a page fault at pc=0x%08x was"
                        + " to be emulated, but %s there does not access memory", pc, insn.opcode()));
                return;
            }
        }
        vcpu.setPc(next);
        vcpu.retire(1);
    }

    private static void push(Vcpu vcpu, GuestVirtualMemory memory, int value, int ring) {
        int sp = vcpu.register(SP) - 4;
        memory.writeWord(sp, value, ring);
        vcpu.setRegister(SP, sp);
    }
}
