package org.vmlab.labs.lab6;

import org.vmlab.memory.nested.NestedPaging;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.MemoryVirtualization;

/** Registers Lab 6's nested paging under the name {@code nested}. */
public final class NestedPagingTechnique implements MemoryTechnique {
    @Override
    public String name() {
        return "nested";
    }

    @Override
    public String description() {
        return "nested paging (EPT): the guest's own tables, then guest-physical to machine; with --cpu hardware (Lab 6)";
    }

    @Override
    public MemoryVirtualization create() {
        return new NestedPaging(new EptViolationHandler());
    }
}
