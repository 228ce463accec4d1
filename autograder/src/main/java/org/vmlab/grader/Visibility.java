package org.vmlab.grader;

/**
 * When a student sees a graded test's result, with Gradescope's names for the four settings.
 * {@link #gradescopeName()} is the exact string Gradescope's {@code results.json} expects.
 */
public enum Visibility {
    /** Shown as soon as the submission is graded. */
    VISIBLE("visible"),
    /** Shown once the assignment's due date has passed. */
    AFTER_DUE_DATE("after_due_date"),
    /** Shown once the instructor publishes the grades. */
    AFTER_PUBLISHED("after_published"),
    /** Never shown to the student (still counts toward the score). */
    HIDDEN("hidden");

    private final String gradescopeName;

    Visibility(String gradescopeName) {
        this.gradescopeName = gradescopeName;
    }

    /** The spelling of this setting in Gradescope's {@code results.json}. */
    public String gradescopeName() {
        return gradescopeName;
    }
}
