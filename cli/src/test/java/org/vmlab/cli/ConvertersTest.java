package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** The option converters: numbers as the assembler writes them, and sizes within their ranges. */
class ConvertersTest {
    private final Converters.AsmNumber number = new Converters.AsmNumber();
    private final Converters.SymbolName name = new Converters.SymbolName();

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "16 | 16", "0x10 | 16", "0X1f | 31", "0b10000 | 16", "0B1 | 1", "1_000 | 1000", "0xF000_0000 | -268435456",
            "-5 | -5", "+7 | 7", "-0x10 | -16", "0xffffffff | -1", "4294967295 | -1", "-2147483648 | -2147483648",
            "007 | 7", "'A' | 65", "'\\n' | 10", "'\\x41' | 65", "'\\'' | 39"})
    void defineValuesAreTheAssemblersNumberLiterals(String literal, int value) {
        assertThat(number.convert(literal)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "0x", "0b", "0b102", "0xg", "1e3", "1.5", "--1", "-+1", "_1", "'", "''", "'ab'",
            "'\\q'", "0x+1", "- 1"})
    void otherWordsAreNoNumber(String word) {
        assertThatThrownBy(() -> number.convert(word)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("is not a number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x100000000", "4294967296", "-2147483649", "99999999999999999999999999999999999999999"})
    void numbersBeyond32BitsAreSaidToBe(String word) {
        assertThatThrownBy(() -> number.convert(word)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("does not fit in 32 bits");
    }

    @Test
    void defineNamesAreSymbolNamesButNoRegisters() {
        assertThat(name.convert("DEBUG")).isEqualTo("DEBUG");
        assertThat(name.convert("_x.y$1")).isEqualTo("_x.y$1");
        assertThat(name.convert("r16")).as("not a register: r0..r15").isEqualTo("r16");
        for (String bad : new String[] {"1X", "a-b", ".", "a b"}) {
            assertThatThrownBy(() -> name.convert(bad)).hasMessageContaining("is not a symbol name");
        }
        for (String register : new String[] {"r0", "R15", "sp", "cr3", "cr12"}) {
            assertThatThrownBy(() -> name.convert(register)).hasMessageContaining("is a register name");
        }
        assertThatThrownBy(() -> name.convert("")).hasMessageContaining("a define needs a name");
    }

    @Test
    void sizesAreWithinTheirRanges() {
        assertThat(new Converters.MemoryMib().convert("1024")).isEqualTo(1024);
        assertThat(new Converters.TlbEntries().convert("1048576")).isEqualTo(1 << 20);
        assertThat(new Converters.Fuel().convert("10G")).isEqualTo(10_000_000_000L);
        assertThat(new Converters.Fuel().convert("50M")).isEqualTo(50_000_000L);
        assertThatThrownBy(() -> new Converters.Fuel().convert("10000000001"))
                .hasMessage("'10000000001' is out of range: 1..10G");
        assertThatThrownBy(() -> new Converters.TlbEntries().convert("2097152"))
                .hasMessage("'2097152' is out of range: 1..1048576 entries");
        assertThatThrownBy(() -> new Converters.HeapMb().convert("9000")).hasMessage("'9000' is out of range: 64..8192 MB");
    }
}
