package org.vmlab.vmm;

/**
 * Where the VMM reports what it does, as it does it: exits, injections, and whatever a technique
 * marks (translations, shadow fills, traces). A timeline writer implements it; {@link #NONE}
 * ignores everything.
 */
public interface VmmTrace {
    VmmTrace NONE = new VmmTrace() {
    };

    /** Control reached the VMM. */
    default void exit(VirtualMachine vm, Exit exit) {
    }

    /** A virtual interrupt was injected. */
    default void injection(VirtualMachine vm, int vector) {
    }

    /** Something a technique did, named ({@code "translate"}, {@code "shadow fill"}), at guest address {@code pc}. */
    default void mark(VirtualMachine vm, String name, int pc) {
    }
}
