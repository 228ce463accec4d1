package org.vmlab.vmm.trace;

import java.math.BigDecimal;
import java.util.Map;

/**
 * One event of the Trace Event Format (Google, "Trace Event Format"), as it will be written: the
 * format's field names are the components' short names ({@code ph}, {@code cat}, {@code ts}...).
 *
 * <p>An event is built whole before any of it is written, so that whatever goes wrong while
 * gathering what it says (a symbol lookup, a disassembly) never leaves half an event in the file.
 *
 * @param ph    the phase: {@code X} complete, {@code i} instant, {@code C} counter, {@code M}
 *              metadata
 * @param name  what the timeline shows on the slice, marker or counter
 * @param cat   the category, or null (metadata has none)
 * @param pid   the process: one per virtual machine
 * @param tid   the thread: one per kind of activity in that process (0 for process-wide events)
 * @param ts    when, in microseconds
 * @param dur   how long, in microseconds, for a complete event; else null
 * @param s     an instant event's scope ({@code t} thread, {@code p} process); else null
 * @param args  the details the viewer lists for a selected event, in this order; strings and
 *              numbers only
 */
record TraceEvent(String ph, String name, String cat, int pid, int tid, BigDecimal ts,
        BigDecimal dur, String s, Map<String, ?> args) {

    /** Something that lasted from {@code ts} for {@code dur}: a slice on its thread's track. */
    static TraceEvent complete(int pid, int tid, String cat, String name, BigDecimal ts,
            BigDecimal dur, Map<String, ?> args) {
        return new TraceEvent("X", name, cat, pid, tid, ts, dur, null, args);
    }

    /** Something that happened at {@code ts}: a marker on its thread's track. */
    static TraceEvent instant(int pid, int tid, String cat, String name, BigDecimal ts,
            Map<String, ?> args) {
        return new TraceEvent("i", name, cat, pid, tid, ts, null, "t", args);
    }

    /** Something that concerns the whole process at {@code ts}: a line across all its tracks. */
    static TraceEvent processInstant(int pid, String cat, String name, BigDecimal ts,
            Map<String, ?> args) {
        return new TraceEvent("i", name, cat, pid, 0, ts, null, "p", args);
    }

    /** Values at {@code ts}, drawn as a counter track per key of {@code values}. */
    static TraceEvent counter(int pid, String cat, String name, BigDecimal ts,
            Map<String, ? extends Number> values) {
        return new TraceEvent("C", name, cat, pid, 0, ts, null, null, values);
    }

    /** Names process {@code pid} (the viewer's label for the VM's group of tracks). */
    static TraceEvent processName(int pid, String name) {
        return metadata("process_name", pid, 0, Map.of("name", name));
    }

    /** Orders processes: the viewer sorts them by this index, lowest first. */
    static TraceEvent processSortIndex(int pid, int index) {
        return metadata("process_sort_index", pid, 0, Map.of("sort_index", index));
    }

    /** Names thread {@code tid} of process {@code pid} (the label of one track). */
    static TraceEvent threadName(int pid, int tid, String name) {
        return metadata("thread_name", pid, tid, Map.of("name", name));
    }

    /** Orders a process's threads; without it a viewer may sort the tracks by name. */
    static TraceEvent threadSortIndex(int pid, int tid, int index) {
        return metadata("thread_sort_index", pid, tid, Map.of("sort_index", index));
    }

    private static TraceEvent metadata(String name, int pid, int tid, Map<String, ?> args) {
        // ts 0: the format does not need a time on metadata, but some readers expect every event
        // to have one.
        return new TraceEvent("M", name, null, pid, tid, BigDecimal.ZERO, null, null, args);
    }

    /** Whether this event is drawn on the timeline (metadata only names and orders tracks). */
    boolean onTimeline() {
        return !ph.equals("M");
    }
}
