package org.vmlab.asm;

/**
 * One token of a source line.
 *
 * @param kind   what it is
 * @param text   the identifier or punctuation as written; for a string, its decoded contents
 * @param value  the value of a number or character literal
 * @param column 1-based column of its first character
 * @param end    0-based index just past its last character (to cut macro arguments out of a line)
 */
record Token(Kind kind, String text, int value, int column, int end) {

    enum Kind { IDENT, NUMBER, STRING, PUNCT }

    boolean is(String punct) {
        return kind == Kind.PUNCT && text.equals(punct);
    }

    boolean isIdent() {
        return kind == Kind.IDENT;
    }
}
