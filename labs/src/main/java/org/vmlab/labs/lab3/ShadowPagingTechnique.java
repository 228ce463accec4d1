package org.vmlab.labs.lab3;

import org.vmlab.memory.shadow.ShadowPaging;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.MemoryVirtualization;

/** Registers Lab 3's shadow paging under the name {@code shadow}. */
public final class ShadowPagingTechnique implements MemoryTechnique {
    @Override
    public String name() {
        return "shadow";
    }

    @Override
    public String description() {
        return "shadow page tables: guest-virtual to machine, filled on hidden faults (Lab 3)";
    }

    @Override
    public MemoryVirtualization create() {
        return new ShadowPaging(new ShadowPagingRules());
    }
}
