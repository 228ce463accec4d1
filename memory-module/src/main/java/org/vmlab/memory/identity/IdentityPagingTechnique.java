package org.vmlab.memory.identity;

import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.MemoryVirtualization;

/** Registers {@link IdentityPaging} under the name {@code direct}. */
public final class IdentityPagingTechnique implements MemoryTechnique {
    @Override
    public String name() {
        return "identity";
    }

    @Override
    public String description() {
        return "none: the real MMU walks the guest's own tables; one VM owning the whole machine";
    }

    @Override
    public MemoryVirtualization create() {
        return new IdentityPaging();
    }
}
