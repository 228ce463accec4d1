package org.vmlab.vmm;

import java.util.HashMap;
import java.util.Map;

/**
 * The cost in simulated cycles of each {@link VmmEvent}: its own default, unless this model sets
 * another. The guest's own instructions, page walks and traps cost what the bare machine's
 * {@link org.vmlab.machine.CostModel} says; these are what virtualization adds. Every event carries
 * a default, so no event can be without a price; a price this model sets is checked when the model
 * is made, never in the middle of a run.
 *
 * <p>The defaults are published measurements where there are any, from Adams and Agesen, "A
 * Comparison of Software and Hardware Techniques for x86 Virtualization" (ASPLOS 2006), on a
 * Pentium 4: a trap-and-emulate round trip (their {@code rdtsc}) 2,030 cycles, a callout from the
 * translation cache 1,254, an emulation inside it 216. The others are vmlab's estimates, scaled
 * from those; {@code docs/cost-model.md} lists each with its source.
 *
 * @param overrides the prices that differ from the events' defaults
 */
public record VmmCostModel(Map<VmmEvent, Integer> overrides) {
    /** Every event at its default. */
    public static final VmmCostModel DEFAULT = new VmmCostModel(Map.of());

    /** Checks every price and copies. */
    public VmmCostModel {
        for (Map.Entry<VmmEvent, Integer> price : overrides.entrySet()) {
            if (price.getValue() == null || price.getValue() < 0) {
                throw new IllegalArgumentException("the cost of " + price.getKey().name()
                        + " must be a number of cycles, at least 0, not " + price.getValue());
            }
        }
        overrides = Map.copyOf(overrides);
    }

    /** The cost of one {@code event}. */
    public int cost(VmmEvent event) {
        Integer price = overrides.get(event);
        return price != null ? price : event.defaultCycles();
    }

    /** This model with {@code event} costing {@code value} cycles. */
    public VmmCostModel with(VmmEvent event, int value) {
        Map<VmmEvent, Integer> copy = new HashMap<>(overrides);
        copy.put(event, value);
        return new VmmCostModel(copy);
    }
}
