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

    /** The longest message an error carries; longer ones (quoting huge source text) are cut. */
    static final int MAX_MESSAGE = 300;

    AsmError error(int column, String message) {
        String m = message.length() <= MAX_MESSAGE ? message
                : message.substring(0, MAX_MESSAGE - 3) + "...";
        return new AsmError(file, number, Math.max(column, 1), m + origin);
    }

    String location() {
        return file + ":" + number;
    }
}
