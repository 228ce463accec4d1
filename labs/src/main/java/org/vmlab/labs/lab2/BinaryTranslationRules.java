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
        throw new UnsupportedOperationException("TODO(lab2): IDENT for innocuous instructions; sensitive ones in the cache when they touch only the vCPU, else a callout");
    }

    @Override
    public void codeWritten(TranslationCache cache, int machineAddress) {
        throw new UnsupportedOperationException("TODO(lab2): invalidate exactly the units whose instructions the write touches");
    }
}
