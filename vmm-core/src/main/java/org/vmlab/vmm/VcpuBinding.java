package org.vmlab.vmm;

import org.vmlab.machine.Machine;

/**
 * How a {@link Vcpu} meets the real CPU: what the machine must be set to while the guest runs on
 * it, and which privilege and interrupt flag the guest really runs with. The vCPU keeps the
 * guest's own state and time whatever the binding; the binding is the technique's choice.
 * Software techniques bind by {@link RingCompression} (the guest kernel deprivileged to ring 1,
 * every trap the VMM's); a hardware-assisted technique binds through a VMCS, where the guest
 * kernel keeps ring 0 and the VMCS's controls say what exits.
 */
public interface VcpuBinding {
    /**
     * World switch in: sets the real machine up to run this vCPU's guest (which traps reach the
     * VMM, which device windows trap), before the vCPU's registers are loaded.
     */
    void enter(Machine host);

    /** The real FLAGS to run the guest with, for the FLAGS the guest means ({@code guestFlags}). */
    int realFlags(int guestFlags);

    /** The ring the guest's {@code virtualRing} really runs in. */
    int realRing(int virtualRing);

    /**
     * The virtual ring that runs in {@code realRing} (the most privileged, if several share it),
     * or -1 if none does: for a real CPU that changed ring by itself, through a direct gate
     * (docs/isa.md, "Direct gates").
     */
    default int virtualRing(int realRing) {
        for (int ring = 0; ring < 4; ring++) {
            if (realRing(ring) == realRing) {
                return ring;
            }
        }
        return -1;
    }
}
