package org.vmlab.labs.lab2;

import org.vmlab.cpu.bt.BinaryTranslation;
import org.vmlab.labs.lab1.PrivilegedInstructionEmulator;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.CpuVirtualization;

/**
 * Registers Lab 2's binary translation under the name {@code binary-translation}. Its in-cache
 * sequences and callouts emulate with Lab 1's emulator.
 */
public final class BinaryTranslationTechnique implements CpuTechnique {
    @Override
    public String name() {
        return "binary-translation";
    }

    @Override
    public String description() {
        return "binary translation: kernel code translated a block at a time, user code direct (Lab 2)";
    }

    @Override
    public CpuVirtualization create() {
        return new BinaryTranslation(new BinaryTranslationRules(), new PrivilegedInstructionEmulator());
    }
}
