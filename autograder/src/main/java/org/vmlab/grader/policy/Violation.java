package org.vmlab.grader.policy;

/**
 * One use of something the submission policy forbids, or one file where no lab file may be.
 *
 * @param lab   the package of the lab it is in ({@code org.vmlab.labs.lab1}), or empty when it
 *              is outside every lab
 * @param where the place, {@code Emulator.java:42 (org.vmlab.labs.lab1.Emulator)} or a file's
 *              path
 * @param what  what is used and why it is forbidden
 */
public record Violation(String lab, String where, String what) {

    /** The one line a student reads. */
    public String line() {
        return where + ": " + what;
    }
}
