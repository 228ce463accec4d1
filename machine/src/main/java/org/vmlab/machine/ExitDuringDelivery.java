package org.vmlab.machine;

/**
 * In non-root mode, a fault that the exception bitmap selects was met while an event was being
 * delivered (reading its gate, pushing its frame): a VM exit, not a double fault (SDM vol. 3,
 * 27.2.4, "Information for VM Exits During Event Delivery"). Thrown from the delivery to where the
 * instruction's state is put back, as a fault is, so that the event's instruction (an {@code int})
 * does not retire; the exit then records the event as IDT-vectoring information.
 */
final class ExitDuringDelivery extends RuntimeException {
    private final transient Fault fault;

    ExitDuringDelivery(Fault fault) {
        super("exit during event delivery", null, false, false);
        this.fault = fault;
    }

    /** The fault met on the way, which the exception bitmap selects. */
    Fault fault() {
        return fault;
    }
}
