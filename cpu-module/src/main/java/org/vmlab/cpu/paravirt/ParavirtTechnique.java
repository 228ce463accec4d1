package org.vmlab.cpu.paravirt;

import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.CpuVirtualization;

/** Registers {@link Paravirtualization} under the name {@code paravirt}. */
public final class ParavirtTechnique implements CpuTechnique {
    @Override
    public String name() {
        return "paravirt";
    }

    @Override
    public String description() {
        return "paravirtualization: a kernel built for it calls the hypervisor (Xen's hypercalls, event channels)";
    }

    @Override
    public CpuVirtualization create() {
        return new Paravirtualization();
    }

    /** It runs a kernel built for it, which calls the hypervisor. */
    @Override
    public boolean paravirtual() {
        return true;
    }
}
