package org.vmlab.vmm;

import java.util.Arrays;
import java.util.List;

/**
 * Where the work of a VM's devices runs outside the VM: the lecture's two hosting models. It
 * changes where a device model's host side and a split driver's back end run, and so what each of
 * their steps costs; the guest sees no difference.
 */
public enum Hosting {
    /**
     * Bare-metal, type 1, as Xen: the hypervisor owns the processor and memory, and a separate,
     * privileged VM, the driver domain (Xen's dom0), owns the real devices. Device work for a VM
     * runs in the driver domain: a world switch to it and back.
     */
    BARE_METAL("bare-metal"),

    /**
     * Hosted, type 2, as KVM with QEMU: a host operating system owns the devices, and the VMM is
     * part of it. Device work for a VM runs in a host process: a switch from the VMM's kernel part
     * to that process and back.
     */
    HOSTED("hosted");

    private final String spelling;

    Hosting(String spelling) {
        this.spelling = spelling;
    }

    /** The name on the command line ({@code --hosting}). */
    public String spelling() {
        return spelling;
    }

    /** Every model's spelling, for help and errors. */
    public static List<String> spellings() {
        return Arrays.stream(values()).map(Hosting::spelling).toList();
    }

    /**
     * The model spelled {@code name}.
     *
     * @throws IllegalArgumentException naming the models there are, if none is spelled so
     */
    public static Hosting of(String name) {
        for (Hosting h : values()) {
            if (h.spelling.equals(name)) {
                return h;
            }
        }
        throw new IllegalArgumentException("no hosting model '" + name + "': choose one of "
                + String.join(", ", spellings()));
    }
}
