package org.vmlab.memory.nested;

import java.util.BitSet;
import org.vmlab.vmm.DirtyLog;
import org.vmlab.vmm.GuestPhysicalMemory;

/**
 * Dirty logging under nested paging, by the dirty bits of the nested tables (Intel's EPT accessed
 * and dirty flags, SDM vol. 3, 29.3.5; KVM harvests them for migration): the processor sets an
 * entry's dirty bit at a write through it, the guest's stores and the accessed and dirty bits its
 * own page walk sets in its tables alike, and a collection reads and clears them, then drops the
 * TLB's nested translations (INVEPT), which may let a page be written without a walk.
 *
 * <p>Why not write-protect the nested entries, as the VMM had to on EPT before it had dirty bits:
 * that makes the first write to each page in each round an EPT violation, an exit and an entry
 * (2,409 cycles and a fill), where the dirty bit costs the guest nothing; the VMM pays instead a
 * scan of the tables at each collection. The guest sees neither: its own tables are untouched.
 * Writes by the VMM and devices are logged by the p2m ({@link GuestPhysicalMemory#startDirtyLog}).
 */
final class NestedDirtyLog implements DirtyLog {
    private final NestedPaging nested;

    NestedDirtyLog(NestedPaging nested) {
        this.nested = nested;
    }

    @Override
    public void start() {
        nested.vm().memory().startDirtyLog();
        nested.tables().collectDirty(gfn -> { });   // what was written before the start is not dirty
        nested.vm().host().mmu().invalidateNested();
    }

    @Override
    public BitSet collectAndClear() {
        GuestPhysicalMemory memory = nested.vm().memory();
        if (!memory.dirtyLogging()) {
            throw new IllegalStateException("collectAndClear: the dirty log of " + nested.vm().name()
                    + " was not started");
        }
        int found = nested.tables().collectDirty(gfn -> {
            if (gfn < memory.frames()) {   // not a device window assigned to the VM
                memory.logDirtyFrame(gfn);
            }
        });
        if (found > 0) {
            nested.vm().host().mmu().invalidateNested();
        }
        BitSet dirty = memory.collectDirtyLog();
        nested.vm().counters().event(CLEAN, found);
        return dirty;
    }

    @Override
    public void stop() {
        nested.vm().memory().stopDirtyLog();
    }
}
