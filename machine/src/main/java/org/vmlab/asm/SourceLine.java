package org.vmlab.asm;

/**
 * One line of source text and where it came from.
 *
 * @param file   the file holding the text
 * @param number 1-based line number in that file
 * @param text   the text, after macro parameter substitution if it comes from a macro body
 * @param origin empty for an ordinary line; for a line of a macro expansion, a note such as
 *               {@code " (in macro push2 called at main.s:12)"} appended to its errors
 */
record SourceLine(String file, int number, String text, String origin) {

    AsmError error(int column, String message) {
        return new AsmError(file, number, Math.max(column, 1), message + origin);
    }

    String location() {
        return file + ":" + number;
    }
}
