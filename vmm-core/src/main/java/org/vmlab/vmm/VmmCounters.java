package org.vmlab.vmm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the VMM did for one VM: exits by kind, {@link VmmEvent}s, and any counters a technique
 * keeps (translation units, shadow traces...), with the cycles the events cost.
 */
public final class VmmCounters {
    private final VmmCostModel costs;
    private final Map<String, Long> exits = new LinkedHashMap<>();
    private final Map<VmmEvent, Long> events = new LinkedHashMap<>();
    private final Map<String, Long> named = new LinkedHashMap<>();
    private long cycles;

    public VmmCounters(VmmCostModel costs) {
        this.costs = costs;
    }

    public void exit(Exit exit) {
        exits.merge(exit.kind(), 1L, Long::sum);
    }

    /** Counts {@code event} and charges its cost. */
    public void event(VmmEvent event) {
        event(event, 1);
    }

    /** {@code times} occurrences of {@code event} at once (the lines of one copy). */
    public void event(VmmEvent event, long times) {
        if (times > 0) {
            events.merge(event, times, Long::sum);
            cycles += costs.cost(event) * times;
        }
    }

    /** Adds {@code amount} to the counter {@code name}, for counts that cost nothing by themselves. */
    public void add(String name, long amount) {
        named.merge(name, amount, Long::sum);
    }

    /** Exits of the kind named {@code kind} ({@link Exit#kind()}: {@code "page fault"}). */
    public long exits(String kind) {
        return exits.getOrDefault(kind, 0L);
    }

    /**
     * Exits by kind: the core's {@link Exit#INSTRUCTION_KINDS}, a technique's own kinds in the
     * order they first occurred, then the core's {@link Exit#INTERRUPT_KINDS}; kinds that did not
     * occur are left out.
     */
    public Map<String, Long> exitsByKind() {
        return byKind(exits);
    }

    /** {@code counts} ordered as {@link #exitsByKind} orders them. */
    public static Map<String, Long> byKind(Map<String, Long> counts) {
        Map<String, Long> m = new LinkedHashMap<>();
        putIn(m, counts, Exit.INSTRUCTION_KINDS);
        counts.forEach((kind, n) -> {
            if (!Exit.INTERRUPT_KINDS.contains(kind)) {
                m.putIfAbsent(kind, n);
            }
        });
        putIn(m, counts, Exit.INTERRUPT_KINDS);
        return m;
    }

    private static void putIn(Map<String, Long> m, Map<String, Long> counts, List<String> kinds) {
        for (String kind : kinds) {
            Long n = counts.get(kind);
            if (n != null) {
                m.put(kind, n);
            }
        }
    }

    public long totalExits() {
        return exits.values().stream().mapToLong(Long::longValue).sum();
    }

    public long events(VmmEvent event) {
        return events.getOrDefault(event, 0L);
    }

    public long named(String name) {
        return named.getOrDefault(name, 0L);
    }

    /** Cycles the VMM spent, over and above the guest's own. */
    public long cycles() {
        return cycles;
    }

    /**
     * The techniques' own counts ({@link #add}), by name, in the order they were first counted:
     * {@code shadow.traces}, {@code pv.hypercall.iret}, ...
     */
    public Map<String, Long> namedCounts() {
        return java.util.Collections.unmodifiableMap(named);
    }

    /** All counts by name: {@code exit.<kind>}, {@code vmm.<event>}, and the named ones. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        exitsByKind().forEach((kind, n) -> m.put("exit." + kind.replace(' ', '_'), n));
        events.forEach((e, n) -> m.put("vmm." + e.name().toLowerCase(java.util.Locale.ROOT), n));
        m.putAll(named);
        return m;
    }
}
