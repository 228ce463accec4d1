package org.vmlab.asm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The errors of one assembly, without duplicates (a bad {@code .equ} used ten times is one
 * error), stopping the assembly once there are too many to be useful.
 */
final class ErrorLog {
    static final int MAX_ERRORS = 100;

    /**
     * Thrown to abandon an assembly: it has reached {@link #MAX_ERRORS}, or an error that makes
     * going on pointless (a limit of the assembler, such as a macro that calls itself).
     */
    static final class Abandon extends RuntimeException {
        Abandon() {
            super(null, null, false, false);
        }
    }

    private final Set<AsmError> errors = new LinkedHashSet<>();
    private AsmError stopped;

    void add(AsmError error) {
        errors.add(error);
        if (errors.size() >= MAX_ERRORS && stopped == null) {
            stopped = new AsmError(error.file(), error.line(), error.column(),
                    "too many errors; stopping");
            throw new Abandon();
        }
    }

    /** Records {@code error} and abandons the assembly. */
    void fatal(AsmError error) {
        errors.add(error);
        throw new Abandon();
    }

    void add(SourceLine line, AsmFailure failure) {
        SourceLine where = failure.where() != null ? failure.where() : line;
        add(where.error(failure.column(), failure.getMessage()));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /**
     * The errors in source order: pass 2 finds its errors after pass 1 has read every line, but
     * a reader wants them by file (in the order files were first met) and line.
     */
    List<AsmError> list() {
        List<String> files = new ArrayList<>();
        for (AsmError e : errors) {
            if (!files.contains(e.file())) {
                files.add(e.file());
            }
        }
        List<AsmError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt((AsmError e) -> files.indexOf(e.file()))
                .thenComparingInt(AsmError::line).thenComparingInt(AsmError::column));
        if (stopped != null) {
            sorted.add(stopped);
        }
        return sorted;
    }
}
