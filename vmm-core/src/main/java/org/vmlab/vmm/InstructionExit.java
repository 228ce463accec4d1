package org.vmlab.vmm;

import org.vmlab.machine.isa.Instruction;

/**
 * An exit about one decoded guest instruction that the VMM is to emulate: a privileged instruction,
 * I/O or {@code hlt} that trapped, or a technique's own (a translator's callout). If the VMM moves
 * the guest's pc past the instruction, it must also retire it ({@link Vcpu#retire}); the VM checks.
 */
public interface InstructionExit {
    /** The guest instruction, decoded. */
    Instruction instruction();

    /** Where it is in the guest. */
    int pc();
}
