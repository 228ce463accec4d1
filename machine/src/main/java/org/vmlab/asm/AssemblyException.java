package org.vmlab.asm;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Assembly failed. Carries every error found (up to a cap), in source order, so that a student
 * fixes them all in one round instead of one per run.
 */
public class AssemblyException extends Exception {
    private final List<AsmError> errors;

    public AssemblyException(List<AsmError> errors) {
        super(errors.stream().map(AsmError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an assembly exception needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The errors, each as {@code file:line:col: message}. */
    public List<AsmError> errors() {
        return errors;
    }
}
