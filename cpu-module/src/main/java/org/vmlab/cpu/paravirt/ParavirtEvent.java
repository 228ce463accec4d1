package org.vmlab.cpu.paravirt;

import org.vmlab.vmm.VmmEvent;

/** What paravirtualization spends cycles on, beyond the core's events. */
public enum ParavirtEvent implements VmmEvent {
    /**
     * The guest kernel called the hypervisor: {@code int 0x82} into the hypervisor and back, and
     * the call's own work.
     */
    HYPERCALL(2030, "estimate: a trap round trip into the hypervisor and back, as TRAP_AND_EMULATE");

    private final int defaultCycles;
    private final String source;

    ParavirtEvent(int defaultCycles, String source) {
        this.defaultCycles = defaultCycles;
        this.source = source;
    }

    @Override
    public int defaultCycles() {
        return defaultCycles;
    }

    @Override
    public String source() {
        return source;
    }
}
