package org.vmlab.labs.lab4;

import org.vmlab.cpu.paravirt.Paravirtualization;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.CpuVirtualization;

/** Registers paravirtualization, with Lab 4's event delivery, under the name {@code paravirt}. */
public final class ParavirtTechnique implements CpuTechnique {
    @Override
    public String name() {
        return "paravirt";
    }

    @Override
    public String description() {
        return "paravirtualization: a kernel built for it calls the hypervisor (Xen's hypercalls, event channels;"
                + " Lab 4)";
    }

    @Override
    public CpuVirtualization create() {
        return new Paravirtualization(new EventChannelDelivery());
    }

    /** It runs a kernel built for it, which calls the hypervisor. */
    @Override
    public boolean paravirtual() {
        return true;
    }
}
