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

    /**
     * An event delivered as an upcall: the hypervisor built the frame on the guest's kernel stack
     * and entered its event callback. No published figure isolates it (Barham et al. 2003 and
     * Menon et al. 2005 measure whole paths), so it is priced as an injection.
     */
    public static final VmmEvent EVENT_UPCALL = VmmEvent.declare("EVENT_UPCALL", 500,
            "estimate: building the guest's frame for its event callback, as INJECTION");

    /** Every one of them, in the order summaries list them. */
    public static final List<VmmEvent> ALL = List.of(HYPERCALL, EVENT_UPCALL);
}
