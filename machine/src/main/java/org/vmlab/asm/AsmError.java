package org.vmlab.asm;

/**
 * One error in an assembly source, at the place an editor can jump to.
 *
 * @param file    the source file's name, as given to the assembler or to {@code .include}
 * @param line    1-based line number
 * @param column  1-based column of the offending token
 * @param message what is wrong, in one line
 */
public record AsmError(String file, int line, int column, String message) {

    /** {@code file:line:col: message}, the form compilers use and editors understand. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
