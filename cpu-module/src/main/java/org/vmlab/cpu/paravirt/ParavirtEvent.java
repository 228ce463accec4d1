package org.vmlab.cpu.paravirt;

import java.util.List;
import org.vmlab.vmm.VmmEvent;

/** What paravirtualization spends cycles on, beyond the core's events. */
public final class ParavirtEvent {
    private ParavirtEvent() {
    }

    /**
     * The guest kernel called the hypervisor: {@code int 0x82} into the hypervisor and back, and
     * the call's own work.
     */
    public static final VmmEvent HYPERCALL = VmmEvent.declare("HYPERCALL", 2030,
            "estimate: a trap round trip into the hypervisor and back, as TRAP_AND_EMULATE");

    /** Every one of them, in the order summaries list them. */
    public static final List<VmmEvent> ALL = List.of(HYPERCALL);
}
