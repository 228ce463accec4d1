package org.vmlab.memory.shadow;

import org.vmlab.vmm.Exit;
import org.vmlab.vmm.PageFaultOutcome;

/**
 * The decisions of shadow paging, which {@link ShadowPaging} asks for: what a page fault is and
 * how the shadow is filled, and what a write to a traced guest page table changes.
 */
public interface ShadowRules {
    /**
     * A page fault while the guest ran on {@code shadow.current()}: a true fault of the guest
     * (its own tables deny the access), a hidden fault (the shadow lacked the entry, or had it
     * read-only to catch the first write; fill it), or an access to emulate (a write to a traced
     * page table, {@link ShadowPaging#TRACED_WRITE}; a device register,
     * {@link PageFaultOutcome#DEVICE_ACCESS}; a write only the guest's cr0.WP allows,
     * {@link ShadowPaging#SUPERVISOR_WRITE}).
     */
    PageFaultOutcome pageFault(ShadowPaging shadow, Exit.PageFault exit);

    /**
     * The guest (or the VMM on its behalf) wrote guest-physical {@code gpa}, which lies in a
     * traced page table: drop whatever shadow entries were built from the old contents.
     */
    void pageTableWritten(ShadowPaging shadow, int gpa);
}
