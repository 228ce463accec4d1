package org.vmlab.vmm;

/**
 * Periodic work of the VMM that runs between scheduling slices, outside any guest: a scan for
 * pages to share, a balloon policy, a round of migration's pre-copy. Registered with
 * {@link Hypervisor#betweenSlices}.
 */
@FunctionalInterface
public interface SliceHook {
    /**
     * {@code vm} has just run a slice (and may have stopped in it); the next VM's turn comes after
     * every hook has run. {@code vm} is still switched in. A hook may change any VM's memory (its
     * memory technique hears of it through the p2m's listeners) or stop a VM, but may not create or
     * remove VMs.
     */
    void afterSlice(VirtualMachine vm);
}
