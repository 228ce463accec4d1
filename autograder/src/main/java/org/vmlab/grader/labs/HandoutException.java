package org.vmlab.grader.labs;

/** The repository cannot be turned into a handout (or a grading package) as it is; one line. */
public final class HandoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HandoutException(String message) {
        super(message);
    }
}
