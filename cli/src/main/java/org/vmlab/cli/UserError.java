package org.vmlab.cli;

/**
 * A mistake the user can fix (a missing file, a program that does not assemble): the command
 * prints the message as one line and exits with code 2.
 */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message, null, false, false);
    }
}
