package org.vmlab.vmm;

/**
 * A memory virtualization technique that the VMM can be built with, found by name; registered
 * like {@link CpuTechnique}, in {@code META-INF/services/org.vmlab.vmm.MemoryTechnique}.
 */
public interface MemoryTechnique {
    /** The name on the command line: {@code shadow}, ... */
    String name();

    /** One line for help and reports. */
    String description();

    /** A fresh instance, for one VM. */
    MemoryVirtualization create();

    /** Whether its instances give their VM the whole machine ({@link MemoryVirtualization#ownsTheMachine}). */
    default boolean ownsTheMachine() {
        return create().ownsTheMachine();
    }

    /**
     * Whether its instances have the processor walk nested tables ({@link
     * MemoryVirtualization#nestedTranslation}): they then need a CPU technique that
     * {@link CpuTechnique#runsNestedPaging runs nested paging}.
     */
    default boolean nestedPaging() {
        return create().nestedTranslation().isPresent();
    }
}
