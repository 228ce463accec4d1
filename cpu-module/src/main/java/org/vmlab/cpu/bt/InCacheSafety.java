package org.vmlab.cpu.bt;

import org.vmlab.machine.isa.Opcode;

/**
 * Which sensitive instructions an in-cache sequence can emulate: those that only read or write
 * the vCPU's own state. The others need the VMM itself (an emulated device, a new address space,
 * a change of mode or of the interrupt table, waiting), so they must call out.
 */
final class InCacheSafety {
    private InCacheSafety() {
    }

    static boolean allows(Opcode op) {
        return switch (op) {
            case CLI, STI, PUSHF, POPF, SMSW, SIDT, MFCR -> true;
            default -> false;
        };
    }

    static String why(Opcode op) {
        return switch (op) {
            case IN, OUT -> "it accesses an emulated device";
            case MTCR, INVLPG -> "it changes the address space or the MMU";
            case IRET -> "it changes the guest's mode";
            case LIDT -> "it changes the interrupt table";
            case HLT -> "it waits for an interrupt";
            default -> "it is not sensitive";
        };
    }
}
