package org.vmlab.vmm;

import java.util.BitSet;
import java.util.List;

/**
 * A memory technique's dirty logging: which guest frames were written since the last look, the
 * question live migration's pre-copy asks after every round [C. Clark, K. Fraser, S. Hand, J. G.
 * Hansen, E. Jul, C. Limpach, I. Pratt and A. Warfield, "Live Migration of Virtual Machines", NSDI
 * 2005, §3.3 and §4]. The guest's own stores run on the real MMU and never reach the VMM by
 * themselves, so each technique catches them its own way: shadow paging maps every guest page
 * read-only in the shadows, and a write faults, is logged and made writable again until the next
 * collection; nested paging reads and clears the dirty bits the processor sets in the nested
 * tables. Writes by the VMM and by devices (DMA) go through the p2m, which logs them itself
 * ({@link GuestPhysicalMemory#startDirtyLog}), as the frames whose contents it drops (ballooned).
 *
 * <p>Logging must not change what the guest sees: a logged run is equivalent to bare metal, as an
 * unlogged one. It costs the VMM: the faults of shadow paging's logging are hidden faults, and each
 * page found dirty and cleaned at a collection is a {@link #CLEAN}.
 */
public interface DirtyLog {
    /**
     * The VMM cleaned one page found dirty at a collection (its shadow mappings write-protected
     * again, or its nested entry's dirty bit cleared), and logged it.
     */
    VmmEvent CLEAN = VmmEvent.declare("DIRTY_LOG_CLEAN", 100,
            "estimate: one entry rewritten and the frame logged, a few memory references (20 cycles each)");

    /** The events of dirty logging, for a technique's {@link MemoryVirtualization#events()}. */
    List<VmmEvent> EVENTS = List.of(CLEAN);

    /** Starts logging, empty: every write to guest memory from now on is logged. */
    void start();

    /**
     * The guest frames written since {@link #start} or the last collection, by the guest, the VMM
     * or a device; the log is empty afterwards, and logs on. Called between slices.
     *
     * @throws IllegalStateException if the log was not started
     */
    BitSet collectAndClear();

    /** Stops logging: the guest writes its pages at full speed again. */
    void stop();
}
