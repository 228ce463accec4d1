package org.vmlab.cpu.bt;

import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.vmm.VirtualMachine;

/**
 * Which sensitive instructions an in-cache sequence can emulate: those that only read or write
 * the vCPU's own state. The others need the VMM itself (a new address space, a change of mode or
 * of the interrupt table, waiting), so they must call out.
 *
 * <p>Two instructions are judged one instance at a time, by operands the translator reads
 * ({@link #specializes}): a control-register write needs the VMM only for the registers that
 * change the address space (cr0, cr3, cr5), not for cr2 or cr4, which only the vCPU holds (Adams
 * and Agesen's cr8wr, the task-priority register that VMware emulates in the cache, is of this
 * kind); and a port access needs a trip out of the VMM only if the device model runs elsewhere
 * (the port number is in the instruction; {@link
 * org.vmlab.vmm.DeviceVirtualization#modelsRunInTheVmm}).
 */
final class InCacheSafety {
    private InCacheSafety() {
    }

    /** True if every instance of {@code op} can be emulated in the cache. */
    static boolean allows(Opcode op) {
        return switch (op) {
            case CLI, STI, PUSHF, POPF, SMSW, SIDT, MFCR -> true;
            default -> false;
        };
    }

    /** True if this instance, in {@code vm}, can be emulated in the cache. */
    static boolean allows(VirtualMachine vm, Instruction insn) {
        return allows(insn.opcode()) || specializes(vm, insn);
    }

    /**
     * True if {@code insn} is an instance of an instruction that needs the VMM in general but not
     * this time: a write to cr2 or cr4, or a port access to a device that the VMM emulates itself.
     */
    static boolean specializes(VirtualMachine vm, Instruction insn) {
        return switch (insn.opcode()) {
            case MTCR -> insn.imm() == Registers.CR2 || insn.imm() == Registers.CR4;
            case IN, OUT -> vm.deviceVirtualization().modelsRunInTheVmm();
            default -> false;
        };
    }

    static String why(Opcode op) {
        return switch (op) {
            case IN, OUT -> "it accesses an emulated device, whose model may run outside the VMM";
            case MTCR, INVLPG -> "it changes the address space or the MMU";
            case IRET -> "it changes the guest's mode";
            case LIDT -> "it changes the interrupt table";
            case HLT -> "it waits for an interrupt";
            default -> "it is not sensitive";
        };
    }
}
