package org.vmlab.cpu.bt;

import org.vmlab.machine.isa.Instruction;

/**
 * The decisions of a binary translator, which {@link BinaryTranslation} asks for: how each guest
 * kernel instruction is translated, and which translations a write to guest code invalidates.
 */
public interface TranslationRules {
    /** How to translate {@code instruction}, found in guest kernel code. */
    Translation translate(Instruction instruction);

    /**
     * The guest (or a device) is writing machine address {@code machineAddress}, in a frame from
     * which {@code cache} holds translations: drop every unit that the write makes stale, and no
     * other (a write to data beside code must not cost the code its translation).
     */
    void codeWritten(TranslationCache cache, int machineAddress);
}
