package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A literal read on its own, as the assembler's lexer reads it in a source. */
class LiteralsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"42 | 42", "-1 | -1", "+7 | 7", "0x2a | 42", "0b101010 | 42",
            "0xF000_0000 | -268435456", "0xffffffff | -1", "-2147483648 | -2147483648", "'a' | 97"})
    void aNumberIsReadAsTheAssemblerReadsIt(String text, int value) {
        assertThat(Literals.parse(text)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "- 1", "1+1", "0x", "0b2", "--1", "r1"})
    void anythingElseIsNoNumber(String text) {
        assertThatThrownBy(() -> Literals.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x100000000", "-2147483649", "99999999999999999999999999"})
    void aNumberBeyond32BitsSaysSo(String text) {
        assertThatThrownBy(() -> Literals.parse(text)).hasMessageContaining("does not fit in 32 bits");
    }
}
