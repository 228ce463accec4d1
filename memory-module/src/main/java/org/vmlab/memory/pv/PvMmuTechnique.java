package org.vmlab.memory.pv;

import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.MemoryVirtualization;

/** Registers {@link PvMmu} under the name {@code pv-mmu}. */
public final class PvMmuTechnique implements MemoryTechnique {
    @Override
    public String name() {
        return "pv-mmu";
    }

    @Override
    public String description() {
        return "Xen's direct paging: the guest's own tables hold machine frames, pinned, read-only and"
                + " changed by validated hypercalls (a paravirtual kernel only)";
    }

    @Override
    public MemoryVirtualization create() {
        return new PvMmu();
    }
}
