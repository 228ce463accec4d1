package org.vmlab.vmm.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VmmCounters;

/**
 * The tracks of one virtual machine in the trace: its process id, the thread id of each kind of
 * activity, and what the trace remembers between events (where the current guest run began, the
 * exits so far).
 *
 * <p>The viewers draw a process as a group of tracks, one per thread. The fixed threads come
 * first; each category of technique marks gets a thread of its own when it is first seen.
 */
final class VmTracks {
    /** The guest running directly, between exits. */
    static final int GUEST = 1;
    /** The VMM handling exits. */
    static final int VMM = 2;
    /** Virtual interrupts injected into the guest. */
    static final int INJECTIONS = 3;
    private static final int FIRST_MARK_THREAD = 4;

    private final int pid;
    private final Map<String, Integer> markThreads = new LinkedHashMap<>();
    private final Map<String, Long> exits = new LinkedHashMap<>();
    private long exitCount;
    private long guestSince;

    /**
     * The tracks of a VM that is process {@code pid}. Its guest's first run is taken to begin at
     * cycle 0, where a VM's cycles start.
     */
    VmTracks(int pid) {
        this.pid = pid;
    }

    int pid() {
        return pid;
    }

    /**
     * The metadata that names this VM's process {@code vmName} and its fixed threads, and keeps
     * both in order: VMs in order of first appearance, threads as numbered.
     */
    List<TraceEvent> names(String vmName) {
        List<TraceEvent> names = new ArrayList<>();
        names.add(TraceEvent.processName(pid, vmName));
        names.add(TraceEvent.processSortIndex(pid, pid));
        names.addAll(thread(GUEST, "guest"));
        names.addAll(thread(VMM, "vmm"));
        names.addAll(thread(INJECTIONS, "injections"));
        return names;
    }

    /** The thread of mark {@code category}, or null if it has none yet. */
    Integer markThread(String category) {
        return markThreads.get(category);
    }

    /**
     * Gives mark {@code category} the next thread, named after the category; returns the
     * metadata that names it.
     */
    List<TraceEvent> addMarkThread(String category) {
        int tid = FIRST_MARK_THREAD + markThreads.size();
        markThreads.put(category, tid);
        return thread(tid, category);
    }

    private List<TraceEvent> thread(int tid, String name) {
        return List.of(TraceEvent.threadName(pid, tid, name), TraceEvent.threadSortIndex(pid, tid, tid));
    }

    /** The cycle at which the guest last resumed: the start of its current run. */
    long guestSince() {
        return guestSince;
    }

    /** The guest resumed at {@code cycle} (an exit ended, an interrupt was injected). */
    void guestResumedAt(long cycle) {
        guestSince = Math.max(guestSince, cycle);
    }

    /** Counts an exit; returns how many this VM has had, this one included. */
    long countExit(Exit exit) {
        exits.merge(exit.kind(), 1L, Long::sum);
        return ++exitCount;
    }

    /** The exits so far by kind, in the counters' order, kinds not seen left out. */
    Map<String, Long> exitsByKind() {
        return VmmCounters.byKind(exits);
    }
}
