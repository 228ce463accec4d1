package org.vmlab.vmm;

/**
 * A CPU virtualization technique that the VMM can be built with, found by name. Implementations
 * are registered with {@link java.util.ServiceLoader} (a file
 * {@code META-INF/services/org.vmlab.vmm.CpuTechnique}), so that the command line finds the
 * techniques of whichever implementation of the labs is on its class path.
 */
public interface CpuTechnique {
    /** The name on the command line: {@code trap-emulate}, {@code binary-translation}, ... */
    String name();

    /** One line for help and reports. */
    String description();

    /** A fresh instance, for one VM. */
    CpuVirtualization create();

    /**
     * Whether the guest must be built for this technique: a paravirtual kernel, which calls the
     * hypervisor instead of running privileged instructions. Such a guest is a different program
     * from the native one, so it can only be compared with the native build of its source at the
     * {@link Equivalence.Level#OBSERVABLE observable} level, never instruction by instruction.
     */
    default boolean paravirtual() {
        return false;
    }

    /**
     * Whether the technique runs its guests with the machine's hardware assistance (docs/isa.md,
     * "Hardware-assisted virtualization"), so that the machine must be built with the {@code vt}
     * feature. Whoever builds the machine asks this, never the technique's name.
     */
    default boolean needsVt() {
        return create().needsVt();
    }

    /** Whether its instances run the guest with nested paging ({@link CpuVirtualization#runsNestedPaging}). */
    default boolean runsNestedPaging() {
        return create().runsNestedPaging();
    }
}
