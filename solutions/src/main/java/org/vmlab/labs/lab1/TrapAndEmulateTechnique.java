package org.vmlab.labs.lab1;

import org.vmlab.cpu.trapemulate.TrapAndEmulate;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.CpuVirtualization;

/** Registers Lab 1's trap-and-emulate under the name {@code trap-emulate}. */
public final class TrapAndEmulateTechnique implements CpuTechnique {
    @Override
    public String name() {
        return "trap-emulate";
    }

    @Override
    public String description() {
        return "trap-and-emulate: the deprivileged guest runs directly; privileged instructions trap (Lab 1)";
    }

    @Override
    public CpuVirtualization create() {
        return new TrapAndEmulate(new TrapAndEmulateHandler());
    }
}
