package org.vmlab.machine.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SymbolTableTest {
    private final SymbolTable table = new SymbolTable(Map.of(
            "main", 0x1000, "loop", 0x1010, "alias", 0x1010, "high", 0x8000_0000));

    @Test
    void lookupByName() {
        assertThat(table.address("loop")).contains(0x1010);
        assertThat(table.address("nope")).isEmpty();
    }

    @Test
    void describeNamesTheNearestPrecedingSymbol() {
        assertThat(table.describe(0x1000)).isEqualTo("main");
        assertThat(table.describe(0x100c)).isEqualTo("main+0xc");
        assertThat(table.describe(0x102c)).isEqualTo("alias+0x1c");
        assertThat(table.describe(0x0ffc)).isEqualTo("0x00000ffc");
    }

    @Test
    void addressesAreUnsigned() {
        assertThat(table.describe(0x8000_0004)).isEqualTo("high+0x4");
        assertThat(table.describe(0x7fff_fff0)).isEqualTo("alias+0x7fffefe0");
    }

    @Test
    void iteratesInAddressOrder() {
        assertThat(table).extracting(SymbolTable.Symbol::name)
                .containsExactly("main", "alias", "loop", "high");
    }
}
