package org.vmlab.cpu.paravirt;

import org.vmlab.vmm.VirtualMachine;

/**
 * The mechanism's side of raising an event: every one is counted ({@code pv.evtchn.pending}),
 * merged or not, whatever the rules make of it; the rules do the rest.
 */
final class CountedDelivery implements EventDelivery {
    private final EventDelivery rules;

    CountedDelivery(EventDelivery rules) {
        this.rules = rules;
    }

    @Override
    public void raise(VirtualMachine vm, SharedInfo shared, int port) {
        vm.counters().add("pv.evtchn.pending", 1);
        rules.raise(vm, shared, port);
    }

    @Override
    public void unmask(VirtualMachine vm, SharedInfo shared, int port) {
        rules.unmask(vm, shared, port);
    }

    @Override
    public boolean deliverUpcall(VirtualMachine vm, SharedInfo shared, int callback) {
        return rules.deliverUpcall(vm, shared, callback);
    }
}
