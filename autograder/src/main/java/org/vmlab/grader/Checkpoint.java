package org.vmlab.grader;

/**
 * A named step that a graded test reached, worth {@code points} of partial credit.
 *
 * @param name   what was reached, in the machine's terms ("boots", "runs user code")
 * @param points the share of the test's points this step earns; at least zero
 */
public record Checkpoint(String name, double points) {

    /** Checks the fields. */
    public Checkpoint {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a checkpoint needs a name");
        }
        if (!(points >= 0)) {
            throw new IllegalArgumentException("checkpoint points must be >= 0: " + points);
        }
    }
}
