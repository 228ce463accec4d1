package org.vmlab.asm;

/**
 * An error found while handling one statement. Thrown from deep inside the lexer, the expression
 * evaluator or the encoder and caught once per statement, where it becomes an {@link AsmError}
 * at the statement's line; that keeps the checking code free of error plumbing.
 *
 * <p>{@code where} is set when the error belongs to another line than the statement being
 * handled (a {@code .equ} whose expression fails when a later line uses it).
 */
final class AsmFailure extends RuntimeException {
    private final int column;
    private final SourceLine where;

    AsmFailure(int column, String message) {
        this(column, message, null);
    }

    AsmFailure(int column, String message, SourceLine where) {
        super(message, null, false, false);
        this.column = column;
        this.where = where;
    }

    int column() {
        return column;
    }

    /** The line the error belongs to, or null for "the statement being handled". */
    SourceLine where() {
        return where;
    }
}
