package org.vmlab.cpu.paravirt;

import org.vmlab.vmm.VirtualMachine;

/**
 * The rules of delivering events to a paravirtual guest through its shared-info page, as Xen's
 * 2-level event channels apply them ({@code xen/common/event_2l.c}): an event sets its port's
 * pending bit; a port that became pending and is not masked sets upcall pending and wakes the
 * vCPU if it blocked; and when upcall pending is set and the guest's events are not masked, the
 * hypervisor enters the guest's event callback as an interrupt would enter a handler. The guest
 * does the rest: it clears upcall pending, takes the pending unmasked ports and returns with
 * {@code iret}. docs/paravirt.md ("Events") is the interface.
 *
 * <p>{@link Paravirtualization} is the mechanism: it keeps the channels, routes interrupts and
 * virtual IRQs to ports, counts every event raised ({@code pv.evtchn.pending}), and asks these
 * rules to raise, to unmask and, before every entry into the guest, to deliver. Lab 4 writes them
 * ({@code org.vmlab.labs.lab4.EventChannelDelivery}).
 *
 * <p>Between an exit and the next entry the vCPU's virtual IF is the truth about the upcall mask
 * (the technique copies one to the other at each exit and entry), so {@link #deliverUpcall}
 * reads the IF. Ports are 1..31: bit {@code port} of the shared-info page's bitmaps.
 */
public interface EventDelivery {
    /**
     * Raises an event on {@code port}, Xen's {@code evtchn_set_pending}: its pending bit is set;
     * if the bit was clear and the port is not masked, upcall pending is set and a blocked vCPU
     * wakes ({@link #markUpcallPending}). Events on a port already pending merge into one.
     */
    void raise(VirtualMachine vm, SharedInfo shared, int port);

    /**
     * Unmasks {@code port}, Xen's {@code evtchn_unmask}: its mask bit is cleared; if an event is
     * pending on it, upcall pending is set (the upcall follows at the next entry).
     */
    void unmask(VirtualMachine vm, SharedInfo shared, int port);

    /**
     * The upcall, at an entry into the guest: if upcall pending is set, events are not masked
     * (virtual IF 1) and the guest registered its callback ({@code callback} not 0), enters the
     * callback ({@link #enterCallback}).
     *
     * @return true if the upcall was delivered
     */
    boolean deliverUpcall(VirtualMachine vm, SharedInfo shared, int callback);

    /**
     * Xen's {@code vcpu_mark_events_pending}: upcall pending is set, and a vCPU blocked in
     * {@code SCHEDOP_block} wakes to take it.
     */
    static void markUpcallPending(VirtualMachine vm, SharedInfo shared) {
        shared.setUpcallPending(true);
        vm.vcpu().stopWaiting();
    }

    /**
     * Enters the guest's event callback at {@code callback} as an interrupt enters its handler
     * (Xen's bounce frame): a frame on the guest's kernel stack whose return pc is where the guest
     * was, error code 0, FLAGS as the guest had them, and events masked (virtual IF 0, which
     * becomes the upcall mask at the entry). A fault building the frame is a double fault, as for
     * any trap. Charges {@link ParavirtEvent#EVENT_UPCALL} and counts {@code pv.evtchn.upcalls}.
     */
    static void enterCallback(VirtualMachine vm, int callback) {
        vm.counters().event(ParavirtEvent.EVENT_UPCALL);
        vm.counters().add("pv.evtchn.upcalls", 1);
        vm.mark("paravirt", "upcall", vm.vcpu().pc());
        vm.traps().deliverTo(callback, vm.vcpu().pc());
    }
}
