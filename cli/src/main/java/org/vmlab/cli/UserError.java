package org.vmlab.cli;

/**
 * A mistake the user can fix (a missing file, a program that does not assemble): the command
 * prints the message as one line and exits with code 2.
 */
public final class UserError extends RuntimeException {
    private final boolean located;

    public UserError(String message) {
        this(message, false);
    }

    private UserError(String message, boolean located) {
        super(message, null, false, false);
        this.located = located;
    }

    /** Errors that already name their place ({@code file:line:col: message}, one per line). */
    public static UserError located(String lines) {
        return new UserError(lines, true);
    }

    /** True if the message names its own place and needs no "vmlab:" prefix. */
    public boolean located() {
        return located;
    }
}
