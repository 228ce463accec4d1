package org.vmlab.vmm;

/**
 * A device virtualization technique that the VMM can be built with, found by name; registered
 * like {@link CpuTechnique}, in {@code META-INF/services/org.vmlab.vmm.DeviceTechnique}.
 */
public interface DeviceTechnique {
    /** The name on the command line: {@code emulated}, {@code passthrough}, {@code split}. */
    String name();

    /** One line for help and reports. */
    String description();

    /** A fresh instance, for one VM, whose device work runs as {@code hosting} says. */
    DeviceVirtualization create(Hosting hosting);

    /**
     * Whether the guest must be built for this technique: a split driver's front ends are part of
     * a paravirtual kernel ({@link CpuTechnique#paravirtual()}).
     */
    default boolean paravirtual() {
        return false;
    }
}
