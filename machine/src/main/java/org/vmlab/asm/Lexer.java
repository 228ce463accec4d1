package org.vmlab.asm;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one source line into tokens: identifiers (including directive names such as
 * {@code .word} and the location symbol {@code .}), numbers, character literals (as numbers),
 * strings and punctuation. A {@code ;} outside a literal starts a comment.
 */
final class Lexer {
    /** Two-character operators, tried before single characters. */
    private static final List<String> PAIRS = List.of("<<", ">>", "==", "!=", "<=", ">=", "&&", "||");
    private static final String SINGLES = "+-*/%&|^~!()<>,:=";

    private final String line;
    private int pos;

    private Lexer(String line) {
        this.line = line;
    }

    /** The tokens of {@code line}; throws {@link AsmFailure} at the first malformed token. */
    static List<Token> lex(String line) {
        return new Lexer(line).run();
    }

    static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '.' || c == '$';
    }

    static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$';
    }

    private List<Token> run() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            while (pos < line.length() && Character.isWhitespace(line.charAt(pos))) {
                pos++;
            }
            if (pos >= line.length() || line.charAt(pos) == ';') {
                return tokens;
            }
            tokens.add(next());
        }
    }

    private Token next() {
        int start = pos;
        char c = line.charAt(pos);
        if (isIdentStart(c)) {
            while (pos < line.length() && isIdentPart(line.charAt(pos))) {
                pos++;
            }
            return new Token(Token.Kind.IDENT, line.substring(start, pos), 0, start + 1, pos);
        }
        if (Character.isDigit(c)) {
            return number(start);
        }
        if (c == '\'') {
            return character(start);
        }
        if (c == '"') {
            return string(start);
        }
        for (String pair : PAIRS) {
            if (line.startsWith(pair, pos)) {
                pos += 2;
                return new Token(Token.Kind.PUNCT, pair, 0, start + 1, pos);
            }
        }
        if (SINGLES.indexOf(c) >= 0) {
            pos++;
            return new Token(Token.Kind.PUNCT, String.valueOf(c), 0, start + 1, pos);
        }
        throw new AsmFailure(start + 1, "unexpected character '" + c + "'");
    }

    /** Decimal, {@code 0x} hex or {@code 0b} binary; {@code _} may separate digits. */
    private Token number(int start) {
        int radix = 10;
        if (line.startsWith("0x", pos) || line.startsWith("0X", pos)) {
            radix = 16;
            pos += 2;
        } else if (line.startsWith("0b", pos) || line.startsWith("0B", pos)) {
            radix = 2;
            pos += 2;
        }
        int digitsStart = pos;
        while (pos < line.length() && (Character.isLetterOrDigit(line.charAt(pos))
                || line.charAt(pos) == '_')) {
            pos++;
        }
        String text = line.substring(start, pos);
        String digits = line.substring(digitsStart, pos).replace("_", "");
        final int base = radix;
        boolean wellFormed = !digits.isEmpty() && digits.chars().allMatch(c -> Character.digit(c, base) >= 0);
        if (!wellFormed) {
            throw new AsmFailure(start + 1, "malformed number '" + text + "'");
        }
        // Well formed but longer than a long holds: too big, as any digits beyond 32 bits are.
        long value = digits.length() > 40 ? Long.MAX_VALUE : parse(digits, radix);
        if (value > 0xFFFF_FFFFL || digits.length() > 40) {
            throw new AsmFailure(start + 1, "number " + text + " does not fit in 32 bits");
        }
        return new Token(Token.Kind.NUMBER, text, (int) value, start + 1, pos);
    }

    private static long parse(String digits, int radix) {
        try {
            return Long.parseLong(digits, radix);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;   // well-formed digits beyond a long
        }
    }

    private Token character(int start) {
        pos++;
        if (pos >= line.length() || line.charAt(pos) == '\'') {
            throw new AsmFailure(start + 1, "empty or unterminated character literal");
        }
        int value = pos < line.length() && line.charAt(pos) == '\\' ? escape(start) : line.charAt(pos++);
        if (pos >= line.length() || line.charAt(pos) != '\'') {
            throw new AsmFailure(start + 1, "unterminated character literal");
        }
        pos++;
        return new Token(Token.Kind.NUMBER, line.substring(start, pos), value, start + 1, pos);
    }

    private Token string(int start) {
        pos++;
        StringBuilder text = new StringBuilder();
        while (true) {
            if (pos >= line.length()) {
                throw new AsmFailure(start + 1, "unterminated string");
            }
            char c = line.charAt(pos);
            if (c == '"') {
                pos++;
                return new Token(Token.Kind.STRING, text.toString(), 0, start + 1, pos);
            }
            text.append((char) (c == '\\' ? escape(start) : line.charAt(pos++)));
        }
    }

    /** Decodes the escape sequence at {@code pos} (which holds the backslash). */
    private int escape(int literalStart) {
        int at = pos;
        pos++;
        if (pos >= line.length()) {
            throw new AsmFailure(literalStart + 1, "unterminated string");
        }
        char c = line.charAt(pos++);
        switch (c) {
            case 'n': return '\n';
            case 't': return '\t';
            case 'r': return '\r';
            case '0': return 0;
            case '\\': return '\\';
            case '\'': return '\'';
            case '"': return '"';
            case 'x': {
                int end = pos;
                while (end < line.length() && end < pos + 2
                        && Character.digit(line.charAt(end), 16) >= 0) {
                    end++;
                }
                if (end != pos + 2) {
                    throw new AsmFailure(at + 1, "\\x needs two hex digits");
                }
                int value = Integer.parseInt(line.substring(pos, end), 16);
                pos = end;
                return value;
            }
            default:
                throw new AsmFailure(at + 1, "unknown escape sequence \\" + c);
        }
    }
}
