package org.vmlab.cpu.paravirt;

import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VirtualMachine;

/**
 * Delivering events to a paravirtual guest through its shared-info page, as Xen's 2-level event
 * channels do ({@code xen/common/event_2l.c}): an event sets its port's pending bit; a port that
 * became pending and is not masked sets upcall pending and wakes the vCPU if it blocked; and when
 * upcall pending is set and the guest's events are not masked, the hypervisor enters the guest's
 * event callback as an interrupt would enter a handler. The guest does the rest: it clears upcall
 * pending, takes the pending unmasked ports and returns with {@code iret}.
 *
 * <p>Between an exit and the next entry the vCPU's virtual IF is the truth about the upcall mask
 * (the technique copies one to the other at each exit and entry), so {@link #deliverUpcall}
 * reads the IF.
 */
public final class EventDelivery {
    /**
     * Raises an event on {@code port} (1..31), Xen's {@code evtchn_set_pending}: its pending bit
     * is set; if the bit was clear and the port is not masked, upcall pending is set and a blocked
     * vCPU wakes. Events on a port already pending merge into one.
     */
    public void raise(VirtualMachine vm, SharedInfo shared, int port) {
        vm.counters().add("pv.evtchn.pending", 1);
        int bit = 1 << port;
        int pending = shared.pendingPorts();
        if ((pending & bit) != 0) {
            return;
        }
        shared.setPendingPorts(pending | bit);
        if ((shared.maskedPorts() & bit) == 0) {
            markUpcallPending(vm, shared);
        }
    }

    /**
     * Unmasks {@code port} (1..31), Xen's {@code evtchn_unmask}: its mask bit is cleared; if an
     * event is pending on it, upcall pending is set (the upcall follows at the next entry).
     */
    public void unmask(VirtualMachine vm, SharedInfo shared, int port) {
        int bit = 1 << port;
        shared.setMaskedPorts(shared.maskedPorts() & ~bit);
        if ((shared.pendingPorts() & bit) != 0) {
            markUpcallPending(vm, shared);
        }
    }

    /** Xen's {@code vcpu_mark_events_pending}: the vCPU has something to take, and wakes for it. */
    private static void markUpcallPending(VirtualMachine vm, SharedInfo shared) {
        shared.setUpcallPending(true);
        vm.vcpu().stopWaiting();
    }

    /**
     * The upcall, at an entry into the guest: if upcall pending is set, events are not masked
     * (virtual IF 1) and the guest registered its callback ({@code callback} not 0), enters the
     * callback as an interrupt enters a handler: a frame on the guest's kernel stack whose return
     * pc is where the guest was, error code 0, events masked. A fault building the frame is a
     * double fault, as for any trap.
     *
     * @return true if the upcall was delivered
     */
    public boolean deliverUpcall(VirtualMachine vm, SharedInfo shared, int callback) {
        Vcpu vcpu = vm.vcpu();
        if (callback == 0 || !vcpu.virtualInterruptsEnabled() || !shared.upcallPending()) {
            return false;
        }
        vm.counters().event(ParavirtEvent.EVENT_UPCALL);
        vm.counters().add("pv.evtchn.upcalls", 1);
        vm.mark("paravirt", "upcall", vcpu.pc());
        vm.traps().deliverTo(callback, vcpu.pc());
        return true;
    }
}
