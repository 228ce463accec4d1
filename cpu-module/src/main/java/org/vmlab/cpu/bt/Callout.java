package org.vmlab.cpu.bt;

import org.vmlab.machine.isa.Instruction;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.InstructionExit;

/**
 * Translated code reached a sensitive instruction that must leave the translation cache: it calls
 * out to the VMM, which emulates the instruction on the vCPU (Adams and Agesen 2006, section 3.2).
 * Binary translation's own exit; it registers the handler.
 *
 * @param pc             where the instruction is in the guest
 * @param instruction    the guest instruction, decoded
 * @param emulatesAccess true for a store that adaptive translation made a callout: the VMM
 *                       emulates its memory access, as it would after the trap it no longer takes
 */
public record Callout(int pc, Instruction instruction, boolean emulatesAccess)
        implements Exit.TechniqueExit, InstructionExit {
    /** The kind's name. */
    public static final String KIND = "callout";

    /** A callout for a sensitive instruction, emulated as such. */
    public Callout(int pc, Instruction instruction) {
        this(pc, instruction, false);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String qualification() {
        return " (" + instruction + ")";
    }
}
