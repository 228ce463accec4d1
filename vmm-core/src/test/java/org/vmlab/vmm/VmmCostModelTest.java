package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the VMM's events cost, and what it counts: every event brings its own default price, the
 * defaults are the ones {@code docs/cost-model.md} cites, a model changes prices only with valid
 * ones, and the counters charge exactly count times price.
 */
class VmmCostModelTest {

    /** An event a technique might declare in its own module. */
    private enum Elsewhere implements VmmEvent {
        HYPERCALL;

        @Override
        public int defaultCycles() {
            return 77;
        }

        @Override
        public String source() {
            return "estimate: for this test";
        }
    }

    static List<VmmEvent> coreEvents() {
        return CoreEvent.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("coreEvents")
    void everyCoreEventHasAPositiveDefaultCost(VmmEvent event) {
        assertThat(VmmCostModel.DEFAULT.cost(event)).isPositive().isEqualTo(event.defaultCycles());
    }

    @Test
    void aDeclaredEventIsAValueNamedInUpperCase() {
        assertThat(VmmEvent.declare("HYPERCALL", 10, "estimate: x")).isEqualTo(VmmEvent.declare("HYPERCALL", 10, "estimate: x"))
                .hasToString("HYPERCALL");
        assertThat(VmmEvent.declare("HIDDEN_FAULT", 1, "estimate: x").words()).isEqualTo("hidden fault");
        assertThatThrownBy(() -> VmmEvent.declare("hidden fault", 1, "estimate: x"))
                .hasMessage("an event's name is upper case with underscores: hidden fault");
    }

    @Test
    void theMeasuredDefaultIsAdamsAndAgesensFigure() {
        assertThat(VmmCostModel.DEFAULT.cost(CoreEvent.TRAP_AND_EMULATE)).isEqualTo(2030);
    }

    @Test
    void docsCostModelMdCitesEveryCoreEventWithItsDefaultCost() {
        CostModelDocs.assertDocumented(CoreEvent.ALL);
    }

    @Test
    void anEventDeclaredOutsideTheCoreIsPricedByItsOwnDefault() {
        assertThat(VmmCostModel.DEFAULT.cost(Elsewhere.HYPERCALL)).isEqualTo(77);
        assertThat(VmmCostModel.DEFAULT.with(Elsewhere.HYPERCALL, 5).cost(Elsewhere.HYPERCALL)).isEqualTo(5);
        assertThat(Elsewhere.HYPERCALL.words()).isEqualTo("hypercall");
    }

    @Test
    void withChangesOneCostInACopy() {
        VmmCostModel cheap = VmmCostModel.DEFAULT.with(CoreEvent.WORLD_SWITCH, 1);

        assertThat(cheap.cost(CoreEvent.WORLD_SWITCH)).isEqualTo(1);
        assertThat(VmmCostModel.DEFAULT.cost(CoreEvent.WORLD_SWITCH)).as("the default unchanged").isEqualTo(2409);
        for (VmmEvent event : CoreEvent.ALL) {
            if (event != CoreEvent.WORLD_SWITCH) {
                assertThat(cheap.cost(event)).isEqualTo(VmmCostModel.DEFAULT.cost(event));
            }
        }
    }

    @Test
    void aNegativeOrMissingPriceIsRefusedWhenTheModelIsMadeNotDuringARun() {
        assertThatThrownBy(() -> VmmCostModel.DEFAULT.with(CoreEvent.INJECTION, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the cost of INJECTION must be a number of cycles, at least 0, not -1");
        Map<VmmEvent, Integer> missing = new HashMap<>();
        missing.put(CoreEvent.INJECTION, null);
        assertThatThrownBy(() -> new VmmCostModel(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the cost of INJECTION");
    }

    @Test
    void theModelsMapIsACopyThatCannotBeChanged() {
        Map<VmmEvent, Integer> costs = new HashMap<>(Map.of(CoreEvent.INJECTION, 9));
        VmmCostModel model = new VmmCostModel(costs);
        costs.put(CoreEvent.INJECTION, 1);

        assertThat(model.cost(CoreEvent.INJECTION)).isEqualTo(9);
        assertThatThrownBy(() -> model.overrides().put(CoreEvent.INJECTION, 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // --- counters --------------------------------------------------------------------------------

    @Test
    void countersChargeEachEventItsCostAndCountExitsForFree() {
        VmmCounters counters = new VmmCounters(VmmCostModel.DEFAULT.with(CoreEvent.INJECTION, 7)
                .with(CoreEvent.REFLECTION, 100));

        counters.event(CoreEvent.INJECTION);
        counters.event(CoreEvent.INJECTION);
        counters.event(CoreEvent.REFLECTION);
        counters.event(Elsewhere.HYPERCALL);
        counters.exit(new Exit.PageFault(0x1000, 0x2000, 0));
        counters.exit(new Exit.PageFault(0x1000, 0x2000, 0));
        counters.exit(new Exit.Timer(0x1000));
        counters.add("shadow.fills", 5);
        counters.add("shadow.fills", 2);

        assertThat(counters.cycles()).isEqualTo(2 * 7 + 100 + 77);
        assertThat(counters.events(CoreEvent.INJECTION)).isEqualTo(2);
        assertThat(counters.events(CoreEvent.TIMER_EXIT)).isZero();
        assertThat(counters.exits(Exit.PageFault.KIND)).isEqualTo(2);
        assertThat(counters.exits(Exit.Halt.KIND)).isZero();
        assertThat(counters.totalExits()).isEqualTo(3);
        assertThat(counters.named("shadow.fills")).isEqualTo(7);
        assertThat(counters.named("nothing")).isZero();
    }

    @Test
    void countersByNameAreExitsThenEventsThenTheTechniquesOwn() {
        VmmCounters counters = new VmmCounters(VmmCostModel.DEFAULT);
        counters.add("bt.units", 3);
        counters.event(CoreEvent.WORLD_SWITCH);
        counters.exit(new Exit.SoftwareInterrupt(0x1000, 0x80));

        assertThat(counters.asMap()).containsExactly(
                Map.entry("exit.software_interrupt", 1L),
                Map.entry("vmm.world_switch", 1L),
                Map.entry("bt.units", 3L));
    }

    /** A technique's own exit kind, as binary translation's callout is. */
    private record Callout(int pc) implements Exit.TechniqueExit {
        @Override
        public String kind() {
            return "callout";
        }
    }

    @Test
    void exitsAreListedInstructionKindsFirstThenATechniquesOwnThenInterruptsAndTime() {
        VmmCounters counters = new VmmCounters(VmmCostModel.DEFAULT);
        counters.exit(new Exit.Timer(0x1000));
        counters.exit(new Callout(0x1000));
        counters.exit(new Exit.InterruptWindow(0x1000));
        counters.exit(new Exit.PageFault(0x1000, 0x2000, 0));
        counters.exit(new Exit.Timer(0x1000));

        assertThat(counters.exitsByKind()).containsExactly(Map.entry("page fault", 1L),
                Map.entry("callout", 1L), Map.entry("interrupt window", 1L), Map.entry("timer", 2L));
        assertThat(counters.asMap()).containsKeys("exit.page_fault", "exit.callout", "exit.interrupt_window");
    }
}
