package org.vmlab.machine.isa;

/**
 * The Popek-Goldberg class of an instruction on one ISA variant.
 *
 * <p>{@link #PRIVILEGED}: traps when executed outside ring 0 and runs normally in ring 0; a
 * trap-and-emulate VMM sees every use of it. {@link #CONTROL_SENSITIVE} and
 * {@link #BEHAVIOR_SENSITIVE}: sensitive but <em>not</em> trapping, the instructions that break
 * Theorem 1. {@link #INNOCUOUS}: neither.
 */
public enum PgClass {
    INNOCUOUS("innocuous"),
    PRIVILEGED("privileged"),
    CONTROL_SENSITIVE("control-sensitive"),
    BEHAVIOR_SENSITIVE("behavior-sensitive");

    private final String label;

    PgClass(String label) {
        this.label = label;
    }

    /** True for the classes that defeat trap-and-emulate: sensitive but unprivileged. */
    public boolean isSensitiveUnprivileged() {
        return this == CONTROL_SENSITIVE || this == BEHAVIOR_SENSITIVE;
    }

    @Override
    public String toString() {
        return label;
    }
}
