package org.vmlab.vmm;

import org.vmlab.machine.isa.Instruction;

/**
 * Control reached the VMM: why, and the qualification a handler needs, as a VM exit carries it.
 *
 * @param reason      why
 * @param pc          the guest instruction concerned (for a fault it did not retire)
 * @param vector      the exception or interrupt vector, or -1
 * @param errorCode   the exception's error code (a page fault's present, write and user bits)
 * @param address     a page fault's address; else 0
 * @param instruction the decoded instruction, for privileged instructions, I/O, hlt and
 *                    callouts; else null
 */
public record Exit(ExitReason reason, int pc, int vector, int errorCode, int address,
        Instruction instruction) {
    /** The guest ran until its budget ended. */
    public static Exit timer(int pc) {
        return new Exit(ExitReason.TIMER, pc, -1, 0, 0, null);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(reason.name().toLowerCase(java.util.Locale.ROOT))
                .append(String.format(" at pc=0x%08x", pc));
        if (instruction != null) {
            s.append(" (").append(instruction).append(')');
        }
        if (vector >= 0) {
            s.append(String.format(" vector %d error 0x%x", vector, errorCode));
        }
        if (reason == ExitReason.PAGE_FAULT) {
            s.append(String.format(" address 0x%08x", address));
        }
        return s.toString();
    }
}
