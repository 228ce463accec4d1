package org.vmlab.vmm;

import java.util.EnumMap;
import java.util.Map;

/**
 * The cost in simulated cycles of each {@link VmmEvent}. The guest's own instructions, page walks
 * and traps cost what the bare machine's {@link org.vmlab.machine.CostModel} says; these are what
 * virtualization adds.
 *
 * <p>The defaults are published measurements where there are any, from Adams and Agesen, "A
 * Comparison of Software and Hardware Techniques for x86 Virtualization" (ASPLOS 2006), on a
 * Pentium 4: a trap-and-emulate round trip (their {@code rdtsc}) 2,030 cycles, a callout from the
 * translation cache 1,254, an emulation inside it 216. The others are vmlab's estimates, scaled
 * from those; {@code docs/cost-model.md} lists each with its source.
 */
public record VmmCostModel(Map<VmmEvent, Integer> cycles) {
    public static final VmmCostModel DEFAULT = new VmmCostModel(defaults());

    public VmmCostModel {
        EnumMap<VmmEvent, Integer> copy = new EnumMap<>(VmmEvent.class);
        copy.putAll(cycles);
        for (VmmEvent event : VmmEvent.values()) {
            if (!copy.containsKey(event)) {
                throw new IllegalArgumentException("no cost for " + event);
            }
        }
        cycles = Map.copyOf(copy);
    }

    /** The cost of one {@code event}. */
    public int cost(VmmEvent event) {
        return cycles.get(event);
    }

    /** This model with {@code event} costing {@code value} cycles. */
    public VmmCostModel with(VmmEvent event, int value) {
        EnumMap<VmmEvent, Integer> copy = new EnumMap<>(cycles);
        copy.put(event, value);
        return new VmmCostModel(copy);
    }

    private static Map<VmmEvent, Integer> defaults() {
        EnumMap<VmmEvent, Integer> c = new EnumMap<>(VmmEvent.class);
        c.put(VmmEvent.TRAP_AND_EMULATE, 2030);        // Adams and Agesen 2006, rdtsc
        c.put(VmmEvent.DEVICE_EMULATION, 1000);        // estimate: a device model's work after the trap
        c.put(VmmEvent.REFLECTION, 2030);              // estimate: a trap round trip, as above
        c.put(VmmEvent.INJECTION, 500);                // estimate: build the guest's trap frame
        c.put(VmmEvent.TIMER_EXIT, 2030);              // estimate: a trap round trip
        c.put(VmmEvent.HIDDEN_FAULT, 3000);            // estimate: trap, guest walk, shadow fill
        c.put(VmmEvent.TRACE, 3000);                   // estimate: trap, decode, emulate, update shadow
        c.put(VmmEvent.SHADOW_SWITCH, 1000);           // estimate: find the cached shadow
        c.put(VmmEvent.TRANSLATED_INSTRUCTION, 200);   // estimate: decode and emit one instruction
        c.put(VmmEvent.CALLOUT, 1254);                 // Adams and Agesen 2006
        c.put(VmmEvent.IN_CACHE_EMULATION, 216);       // Adams and Agesen 2006
        c.put(VmmEvent.INDIRECT_LOOKUP, 50);           // estimate: a hash probe in the cache
        c.put(VmmEvent.TRANSLATION_INVALIDATION, 3000); // estimate: as a trace
        c.put(VmmEvent.WORLD_SWITCH, 2409);            // estimate: as a VT-x VM exit and entry, A&A
        return c;
    }
}
