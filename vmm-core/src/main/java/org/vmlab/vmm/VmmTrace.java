package org.vmlab.vmm;

/**
 * Where the VMM reports what it does, as it does it: exits, injections, and what a technique marks
 * (translations, hidden faults, traces). Times are the VM's simulated cycles
 * ({@link VirtualMachine#cycles()}). A timeline writer implements it; {@link #NONE} ignores all.
 */
public interface VmmTrace {
    VmmTrace NONE = new VmmTrace() {
    };

    /** Control reached the VMM at cycle {@code start} and returned to the guest at {@code end}. */
    default void exit(VirtualMachine vm, Exit exit, long start, long end) {
    }

    /** The virtual interrupt {@code vector} was injected at cycle {@code at}. */
    default void injection(VirtualMachine vm, int vector, long at) {
    }

    /**
     * Something a technique did at cycle {@code at} for the guest instruction at {@code pc}:
     * {@code category} groups marks ({@code "shadow"}, {@code "bt"}), {@code name} says what
     * ({@code "hidden fault"}, {@code "translate"}).
     */
    default void mark(VirtualMachine vm, String category, String name, int pc, long at) {
    }

    /** The run is over: write out whatever is buffered. */
    default void close() {
    }
}
