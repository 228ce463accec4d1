package org.vmlab.cpu.hardware;

/**
 * What the VMM knows before a VM entry that decides the VMCS's controls ({@link VmcsSetup}): what
 * the memory technique needs to see, whether nested tables are there to enable, and whether a
 * virtual interrupt waits for the guest.
 *
 * @param addressSpaceExits the memory technique follows the guest's address spaces (a shadow
 *                          page table: {@link org.vmlab.vmm.MemoryVirtualization#needsAddressSpaceExits}):
 *                          it must see every cr3 load and store and every {@code invlpg}, and the
 *                          cr3 the MMU holds is its own, not the guest's
 * @param pageFaultExits    the memory technique must see the guest's page faults
 *                          ({@link org.vmlab.vmm.MemoryVirtualization#needsPageFaultExits}): hidden
 *                          faults of its tables, accesses to device windows
 * @param nestedPaging      the memory technique has nested tables for the processor to walk after
 *                          the guest's (EPT), at {@link #eptPointer}
 * @param eptPointer        the machine address of the nested tables' directory (with nested paging)
 * @param vpid              the vCPU's virtual-processor identifier, or 0 if it has none (the TLB is
 *                          then flushed at every entry and exit)
 * @param interruptPending  a virtual interrupt is pending at the VM's interrupt controller
 * @param guestInterruptible the guest can take it now (IF = 1 and no sti shadow): the VMM injects
 *                          it before this entry, so a pending one that waits means the guest cannot
 */
public record EntryConditions(boolean addressSpaceExits, boolean pageFaultExits, boolean nestedPaging,
        int eptPointer, int vpid, boolean interruptPending, boolean guestInterruptible) {
}
