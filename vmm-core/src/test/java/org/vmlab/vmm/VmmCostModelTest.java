package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the VMM's events cost, and what it counts: every event has a price, the defaults are the
 * ones {@code docs/cost-model.md} cites, and the counters charge exactly count times price.
 */
class VmmCostModelTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(VmmEvent.class)
    void everyEventHasAPositiveDefaultCost(VmmEvent event) {
        assertThat(VmmCostModel.DEFAULT.cost(event)).isPositive();
    }

    @Test
    void theMeasuredDefaultsAreAdamsAndAgesensFigures() {
        assertThat(VmmCostModel.DEFAULT.cost(VmmEvent.TRAP_AND_EMULATE)).isEqualTo(2030);
        assertThat(VmmCostModel.DEFAULT.cost(VmmEvent.CALLOUT)).isEqualTo(1254);
        assertThat(VmmCostModel.DEFAULT.cost(VmmEvent.IN_CACHE_EMULATION)).isEqualTo(216);
    }

    @Test
    void docsCostModelMdCitesEveryEventWithItsDefaultCost() throws IOException {
        String page = Files.readString(Path.of("..", "docs", "cost-model.md"));
        Pattern row = Pattern.compile("^\\| `([A-Z_]+)` \\|[^|]*\\| ([0-9,]+) \\| ([^|]+) \\|$", Pattern.MULTILINE);
        Map<VmmEvent, Integer> documented = new EnumMap<>(VmmEvent.class);
        Map<VmmEvent, String> sources = new EnumMap<>(VmmEvent.class);
        Matcher m = row.matcher(page);
        while (m.find()) {
            VmmEvent event = VmmEvent.valueOf(m.group(1));
            documented.put(event, Integer.parseInt(m.group(2).replace(",", "")));
            sources.put(event, m.group(3).trim());
        }

        assertThat(documented).as("docs/cost-model.md's table of VmmEvent").isEqualTo(VmmCostModel.DEFAULT.cycles());
        assertThat(sources.values()).allSatisfy(source -> assertThat(source).matches("(Adams and Agesen|estimate).*"));
    }

    @Test
    void withChangesOneCostInACopy() {
        VmmCostModel cheap = VmmCostModel.DEFAULT.with(VmmEvent.WORLD_SWITCH, 1);

        assertThat(cheap.cost(VmmEvent.WORLD_SWITCH)).isEqualTo(1);
        assertThat(VmmCostModel.DEFAULT.cost(VmmEvent.WORLD_SWITCH)).as("the default unchanged").isEqualTo(2409);
        for (VmmEvent event : VmmEvent.values()) {
            if (event != VmmEvent.WORLD_SWITCH) {
                assertThat(cheap.cost(event)).isEqualTo(VmmCostModel.DEFAULT.cost(event));
            }
        }
    }

    @Test
    void aModelWithoutACostForSomeEventIsRefused() {
        EnumMap<VmmEvent, Integer> costs = new EnumMap<>(VmmCostModel.DEFAULT.cycles());
        costs.remove(VmmEvent.HIDDEN_FAULT);

        assertThatThrownBy(() -> new VmmCostModel(costs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no cost for HIDDEN_FAULT");
    }

    @Test
    void theModelsMapIsACopyThatCannotBeChanged() {
        EnumMap<VmmEvent, Integer> costs = new EnumMap<>(VmmCostModel.DEFAULT.cycles());
        VmmCostModel model = new VmmCostModel(costs);
        costs.put(VmmEvent.TRACE, 1);

        assertThat(model.cost(VmmEvent.TRACE)).isEqualTo(3000);
        assertThatThrownBy(() -> model.cycles().put(VmmEvent.TRACE, 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    // --- counters --------------------------------------------------------------------------------

    @Test
    void countersChargeEachEventItsCostAndCountExitsForFree() {
        VmmCounters counters = new VmmCounters(VmmCostModel.DEFAULT.with(VmmEvent.INJECTION, 7)
                .with(VmmEvent.REFLECTION, 100));

        counters.event(VmmEvent.INJECTION);
        counters.event(VmmEvent.INJECTION);
        counters.event(VmmEvent.REFLECTION);
        counters.exit(ExitReason.PAGE_FAULT);
        counters.exit(ExitReason.PAGE_FAULT);
        counters.exit(ExitReason.TIMER);
        counters.add("shadow.fills", 5);
        counters.add("shadow.fills", 2);

        assertThat(counters.cycles()).isEqualTo(2 * 7 + 100);
        assertThat(counters.events(VmmEvent.INJECTION)).isEqualTo(2);
        assertThat(counters.events(VmmEvent.CALLOUT)).isZero();
        assertThat(counters.exits(ExitReason.PAGE_FAULT)).isEqualTo(2);
        assertThat(counters.exits(ExitReason.HALT)).isZero();
        assertThat(counters.totalExits()).isEqualTo(3);
        assertThat(counters.named("shadow.fills")).isEqualTo(7);
        assertThat(counters.named("nothing")).isZero();
    }

    @Test
    void countersByNameAreExitsThenEventsThenTheTechniquesOwn() {
        VmmCounters counters = new VmmCounters(VmmCostModel.DEFAULT);
        counters.add("bt.units", 3);
        counters.event(VmmEvent.WORLD_SWITCH);
        counters.exit(ExitReason.SOFTWARE_INTERRUPT);

        assertThat(counters.asMap()).containsExactly(
                Map.entry("exit.software_interrupt", 1L),
                Map.entry("vmm.world_switch", 1L),
                Map.entry("bt.units", 3L));
    }
}
