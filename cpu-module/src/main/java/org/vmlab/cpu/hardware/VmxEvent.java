package org.vmlab.cpu.hardware;

import java.util.List;
import org.vmlab.vmm.VmmEvent;

/** What hardware assistance spends cycles on, beyond the core's events. */
public final class VmxEvent {
    private VmxEvent() {
    }

    /**
     * A VM exit and the VM entry back into the guest: the hardware's world switch, saving and
     * loading the VMCS's guest and host state. The monitor's own work (emulating the instruction,
     * the device model, the shadow page table) is charged as its own events.
     */
    public static final VmmEvent VM_EXIT = VmmEvent.declare("VM_EXIT", 2409,
            "estimate: the round trip of a hardware VM exit and entry that Adams and Agesen report for VT-x,"
                    + " as WORLD_SWITCH");

    /** Every one of them, in the order summaries list them. */
    public static final List<VmmEvent> ALL = List.of(VM_EXIT);
}
