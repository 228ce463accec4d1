package org.vmlab.asm;

import java.util.List;

/**
 * A number written as the assembler writes one (docs/assembler.md, "Numbers"), for the tools
 * that take one from elsewhere, such as the command line's {@code -D NAME=VALUE}: read by the
 * assembler's own lexer, so that both accept exactly the same literals.
 */
public final class Literals {
    private Literals() {
    }

    /**
     * The value of {@code text}: one number or character literal, with an optional sign
     * ({@code 42}, {@code -1}, {@code 0x2a}, {@code 0b101010}, {@code 0xF000_0000}, {@code 'a'}).
     *
     * @throws IllegalArgumentException what is wrong with it, in the assembler's words
     */
    public static int parse(String text) {
        if (text.isBlank() || text.strip().chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("not a number");   // "- 1" is an expression, not a literal
        }
        List<Token> tokens;
        try {
            tokens = Lexer.lex(text.strip());
        } catch (AsmFailure e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        int sign = 1;
        int at = 0;
        if (tokens.size() == 2 && (tokens.get(0).is("-") || tokens.get(0).is("+"))) {
            sign = tokens.get(0).is("-") ? -1 : 1;
            at = 1;
        }
        if (tokens.size() != at + 1 || tokens.get(at).kind() != Token.Kind.NUMBER) {
            throw new IllegalArgumentException("not a number");
        }
        int value = tokens.get(at).value();
        if (sign < 0 && Integer.toUnsignedLong(value) > 0x8000_0000L) {
            throw new IllegalArgumentException("number " + text.strip() + " does not fit in 32 bits");
        }
        return sign * value;
    }
}
