package org.vmlab.memory.shadow;

import java.util.BitSet;
import org.vmlab.vmm.DirtyLog;
import org.vmlab.vmm.GuestPhysicalMemory;

/**
 * Dirty logging under shadow paging, as Xen's shadow mode does it for live migration [Clark et
 * al., "Live Migration of Virtual Machines", NSDI 2005, §5.1: shadow page tables under the running
 * guest, every entry at first a read-only mapping, a write let through by the guest's own entry
 * extended to the shadow entry as the page's bit is set in the dirty bitmap]: when the
 * log starts, and again after every collection, every writable mapping in every shadow is made
 * read-only, so that the guest's next write to each page faults. The fault ({@link
 * ShadowPaging#pageFault}) logs the page dirty before the rules fill the entry, and the entry may
 * then be writable: later writes to the page in the same round cost nothing. The shadows map no
 * page writable that is not logged dirty ({@link ShadowPaging#map}).
 *
 * <p>The guest sees none of it: its own tables are untouched, and a fault that logging causes is
 * a hidden fault, fixed without the guest knowing. Writes by the VMM and devices are logged by the
 * p2m ({@link GuestPhysicalMemory#startDirtyLog}).
 */
final class ShadowDirtyLog implements DirtyLog {
    private final ShadowPaging shadow;

    ShadowDirtyLog(ShadowPaging shadow) {
        this.shadow = shadow;
    }

    @Override
    public void start() {
        shadow.vm().memory().startDirtyLog();
        writeProtectEverything();
    }

    @Override
    public BitSet collectAndClear() {
        BitSet dirty = shadow.vm().memory().collectDirtyLog();
        writeProtectEverything();
        shadow.vm().counters().event(CLEAN, dirty.cardinality());
        return dirty;
    }

    @Override
    public void stop() {
        shadow.vm().memory().stopDirtyLog();
    }

    /**
     * Every shadow read-only, and the whole TLB dropped: a VM switched out may keep entries in it
     * under its VPID, which a single-page invalidation from the VMM's side would not reach.
     */
    private void writeProtectEverything() {
        for (ShadowPageTable table : shadow.shadows()) {
            table.writeProtectAll();
        }
        shadow.vm().host().mmu().tlb().flush();
    }
}
