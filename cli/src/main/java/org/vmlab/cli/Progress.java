package org.vmlab.cli;

import java.io.PrintWriter;

/**
 * The progress of a long command, on standard error, so that standard output keeps only the
 * table that scripts read: one line per step ({@code nanobench: 3/24 syscall under
 * trap-emulate/classic...}), or, on a terminal, a single line rewritten in place.
 *
 * <p>Steps may start on several threads at once (the columns of a row are measured in
 * parallel); they are numbered in the order they start.
 */
final class Progress {
    private final PrintWriter err;
    private final String command;
    private final int steps;
    private final boolean inPlace;
    private final boolean silent;
    private int started;
    private int shown;

    Progress(PrintWriter err, String command, int steps, boolean inPlace, boolean silent) {
        this.err = err;
        this.command = command;
        this.steps = steps;
        this.inPlace = inPlace;
        this.silent = silent;
    }

    /**
     * Progress for {@code command} on its standard error, rewritten in place when the user
     * watches a terminal. {@link System#console()} stands for "a terminal": it is null when
     * standard input or output is redirected, as in a script or a CI log, which then get plain
     * lines.
     */
    static Progress on(PrintWriter err, String command, int steps, boolean quiet) {
        return new Progress(err, command, steps, System.console() != null, quiet);
    }

    /** Says that step {@code what} starts. */
    synchronized void step(String what) {
        started++;
        if (silent) {
            return;
        }
        String line = command + ": " + started + "/" + steps + " " + what + "...";
        if (inPlace) {
            // Spaces over what is left of a longer line before; no escape sequences needed.
            err.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
            shown = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /**
     * Takes the line rewritten in place off the terminal, before the command prints to standard
     * output (which shares the terminal) or ends; nothing to do for plain lines.
     */
    synchronized void clear() {
        if (inPlace && shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }
}
