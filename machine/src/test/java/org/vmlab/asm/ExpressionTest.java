package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.asm.Sources.errors;
import static org.vmlab.asm.Sources.word;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Expressions follow C: precedence, left associativity, 32-bit wrap-around. */
class ExpressionTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '"', value = {
        "1 + 2 * 3 => 7",
        "(1 + 2) * 3 => 9",
        "10 - 4 - 3 => 3",
        "100 / 10 / 5 => 2",
        "17 % 5 => 2",
        "1 << 4 + 1 => 32",
        "0xF0 | 0x0F & 0x3C => 252",
        "6 ^ 3 & 1 => 7",
        "~0 => -1",
        "-3 * -3 => 9",
        "- 2 + 5 => 3",
        "0b1010 => 10",
        "0xF000_0000 >> 28 => -1",
        "'a' => 97",
        "'\\n' + '\\0' => 10",
        "'\\\\' => 92",
        "'\\'' => 39",
        "1 + 2 == 3 => 1",
        "2 < 1 || 3 >= 3 => 1",
        "1 && 0 => 0",
        "!5 => 0",
        "0xFFFFFFFF + 1 => 0",
        "0x7FFFFFFF * 2 => -2",
        "-7 / 2 => -3",
    })
    void evaluates(String expression, int value) {
        assertThat(word(".word " + expression)).isEqualTo(value);
    }

    @Test
    void symbolsAndLocation() {
        assertThat(word("BASE = 0x1000\n.word BASE + 4 * 3")).isEqualTo(0x100C);
    }

    @Test
    void divisionByZero() {
        assertThat(errors(".word 1 / (2 - 2)")).containsExactly("t.s:1:9: division by zero");
    }

    @Test
    void selfReference() {
        assertThat(errors("A = B\nB = A + 1\n.word A"))
                .contains("t.s:2:5: symbol 'A' is defined in terms of itself (A -> B -> A)");
    }

    @Test
    void numberTooLarge() {
        assertThat(errors(".word 0x100000000")).containsExactly("t.s:1:7: number 0x100000000 does not fit in 32 bits");
    }

    @Test
    void missingParenthesis() {
        assertThat(errors(".word (1 + 2")).containsExactly("t.s:1:13: missing ')'");
    }
}
