package org.vmlab.memory.direct;

import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.MemoryVirtualization;

/** Registers {@link DirectPaging} under the name {@code direct}. */
public final class DirectPagingTechnique implements MemoryTechnique {
    @Override
    public String name() {
        return "direct";
    }

    @Override
    public String description() {
        return "none: the real MMU walks the guest's own tables; one VM owning the whole machine";
    }

    @Override
    public MemoryVirtualization create() {
        return new DirectPaging();
    }
}
