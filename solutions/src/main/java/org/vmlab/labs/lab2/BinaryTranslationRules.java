package org.vmlab.labs.lab2;

import org.vmlab.cpu.bt.Translation;
import org.vmlab.cpu.bt.TranslationCache;
import org.vmlab.cpu.bt.TranslationRules;
import org.vmlab.cpu.bt.TranslationUnit;
import org.vmlab.machine.isa.Instruction;

/**
 * Lab 2: the rules of a binary translator for the guest kernel. Every instruction of a basic block
 * is copied as it is (IDENT), emulated inside the translation cache, or replaced by a callout into
 * the VMM; and when the guest writes to code that was translated, the stale translations go.
 */
public final class BinaryTranslationRules implements TranslationRules {

    @Override
    public Translation translate(Instruction instruction) {
        // BEGIN SOLUTION: IDENT for innocuous instructions; sensitive ones in the cache when they touch only the vCPU, else a callout
        return switch (instruction.opcode()) {
            // Sensitive, but they read or write only the vCPU's own state: cheap, in the cache.
            case CLI, STI, PUSHF, POPF, SMSW, SIDT, MFCR -> Translation.IN_CACHE;
            // They need the VMM: devices, the MMU, the guest's mode, the interrupt table, waiting.
            case HLT, IRET, LIDT, MTCR, INVLPG, IN, OUT -> Translation.CALLOUT;
            // Everything else is innocuous (int traps by itself, and is reflected).
            default -> Translation.IDENT;
        };
        // END SOLUTION
    }

    @Override
    public void codeWritten(TranslationCache cache, int machineAddress) {
        // BEGIN SOLUTION: invalidate exactly the units whose instructions the write touches
        int word = machineAddress & ~3;
        for (TranslationUnit unit : cache.unitsIn(machineAddress >>> 12)) {
            if (unit.covers(word)) {
                cache.invalidate(unit);
            }
        }
        // END SOLUTION
    }
}
