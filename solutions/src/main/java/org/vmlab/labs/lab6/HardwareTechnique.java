package org.vmlab.labs.lab6;

import org.vmlab.cpu.hardware.HardwareAssist;
import org.vmlab.labs.lab1.PrivilegedInstructionEmulator;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.CpuVirtualization;

/**
 * Registers hardware assistance under the name {@code hardware}: Lab 6's VMCS controls and exit
 * rules, and Lab 1's emulator for the instructions that exit ({@code in}, {@code out},
 * {@code mtcr}, {@code mfcr}, {@code invlpg}, {@code hlt}): under VT-x they need the same emulation
 * as when they trap.
 */
public final class HardwareTechnique implements CpuTechnique {
    @Override
    public String name() {
        return "hardware";
    }

    @Override
    public String description() {
        return "hardware assistance: the guest runs in non-root mode (VT-x); the VMCS's controls say what exits"
                + " (Lab 6, with Lab 1's emulator)";
    }

    @Override
    public CpuVirtualization create() {
        return new HardwareAssist(new PrivilegedInstructionEmulator(), new VmcsSetupRules(), new VmExitRules());
    }

    /** The machine must have the vt feature. */
    @Override
    public boolean needsVt() {
        return true;
    }
}
