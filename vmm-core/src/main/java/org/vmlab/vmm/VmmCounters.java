package org.vmlab.vmm;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the VMM did for one VM: exits by reason, {@link VmmEvent}s, and any counters a technique
 * keeps (translation units, shadow traces...), with the cycles the events cost.
 */
public final class VmmCounters {
    private final VmmCostModel costs;
    private final EnumMap<ExitReason, Long> exits = new EnumMap<>(ExitReason.class);
    private final Map<VmmEvent, Long> events = new LinkedHashMap<>();
    private final Map<String, Long> named = new LinkedHashMap<>();
    private long cycles;

    public VmmCounters(VmmCostModel costs) {
        this.costs = costs;
    }

    public void exit(ExitReason reason) {
        exits.merge(reason, 1L, Long::sum);
    }

    /** Counts {@code event} and charges its cost. */
    public void event(VmmEvent event) {
        events.merge(event, 1L, Long::sum);
        cycles += costs.cost(event);
    }

    /** Adds {@code amount} to the counter {@code name}, for counts that cost nothing by themselves. */
    public void add(String name, long amount) {
        named.merge(name, amount, Long::sum);
    }

    public long exits(ExitReason reason) {
        return exits.getOrDefault(reason, 0L);
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

    /** All counts by name: {@code exit.<reason>}, {@code vmm.<event>}, and the named ones. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        exits.forEach((r, n) -> m.put("exit." + r.name().toLowerCase(java.util.Locale.ROOT), n));
        events.forEach((e, n) -> m.put("vmm." + e.name().toLowerCase(java.util.Locale.ROOT), n));
        m.putAll(named);
        return m;
    }
}
