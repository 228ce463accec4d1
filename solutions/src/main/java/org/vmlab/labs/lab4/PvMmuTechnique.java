package org.vmlab.labs.lab4;

import org.vmlab.memory.pv.PvMmu;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.MemoryVirtualization;

/** Registers the paravirtual MMU, with Lab 4's rules of direct paging, under the name {@code pv-mmu}. */
public final class PvMmuTechnique implements MemoryTechnique {
    @Override
    public String name() {
        return "pv-mmu";
    }

    @Override
    public String description() {
        return "Xen's direct paging: the guest's own tables hold machine frames, pinned, read-only and"
                + " changed by validated hypercalls (a paravirtual kernel only; Lab 4)";
    }

    @Override
    public MemoryVirtualization create() {
        return new PvMmu(new DirectPagingRules());
    }
}
