package org.vmlab.vmm;

/**
 * What the frame numbers in the guest's page tables and in its cr3 stand for, as the VMM must
 * know to walk those tables on the guest's behalf ({@link GuestPageWalker},
 * {@link GuestVirtualMemory}: trap frames, hypercall arguments, emulated loads and stores).
 *
 * <p>Under every memory technique but one they are guest-physical frames ({@link #GUEST_PHYSICAL}):
 * the guest believes it manages its own physical memory, and the VMM maps it. Under direct
 * paging (the paravirtual MMU, Xen's) the guest's tables are the ones the real MMU walks: they
 * hold machine frame numbers and cr3 a machine address, and the technique turns each back into
 * the guest frame it backs. The technique also says which guest frames the guest may write while
 * its paging is off: all of them, except under direct paging its pinned page-table frames, which
 * the hypervisor keeps read-only.
 */
public interface PageTableFrames {
    /** What {@link #guestFrame} answers for a frame that stands for nothing of the guest's. */
    int NONE = -1;

    /** The guest's tables name guest-physical frames, and all its RAM is writable with paging off. */
    PageTableFrames GUEST_PHYSICAL = frame -> frame;

    /**
     * The guest-physical frame that frame number {@code frame}, as the guest's page-table entries
     * and cr3 name it, stands for: a frame of its RAM, or of a device window beyond it; or
     * {@link #NONE}. The VMM's walk reads a table at {@code NONE} as "not present" and faults on an
     * entry that maps it, as the hardware does on a table outside RAM.
     */
    int guestFrame(int frame);

    /** Whether the guest, with paging off, may write guest frame {@code gfn} of its RAM. */
    default boolean writableWithPagingOff(int gfn) {
        return true;
    }
}
