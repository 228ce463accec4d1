package org.vmlab.cpu.paravirt;

import org.vmlab.machine.device.InterruptController;
import org.vmlab.vmm.Errno;

/**
 * A domain's event channels: its ports and what each is bound to, as Xen's {@code struct evtchn}
 * table keeps them ({@code xen/common/event_channel.c}). A port is 1..31 (one word of each
 * bitmap of the shared-info page; port 0 is never allocated, as in Xen). Only the table: which
 * ports exist and where their events come from. Raising an event and delivering it to the
 * guest are {@link EventDelivery}'s; reading the guest's arguments is {@link EventChannelOp}'s.
 *
 * <p>Each operation checks everything before it changes anything, and returns a port (at least
 * 1) or 0 for success, or a negated {@link Errno}. This VM is the only domain there is: the one
 * domain a call may name is {@link XenAbi#DOMID_SELF}, except that an unbound port may wait for
 * domain 0, where the back ends of split drivers run (the start-info page's store port waits for
 * it too), and a back end there may connect to it ({@link #connectBackend}).
 */
public final class EventChannels {
    /** Ports 0..31; 0 is reserved. */
    public static final int PORTS = 32;
    /** What a port is bound to: Xen's {@code ECS_*} states, with what each state holds. */
    public sealed interface Binding permits Unbound, Interdomain, Backend, Virq, Pirq {
    }

    /** Allocated, waiting for {@code remoteDom} to bind it ({@code ECS_UNBOUND}). */
    public record Unbound(int remoteDom) implements Binding {
    }

    /** Connected to {@code remotePort} of {@code remoteDom} ({@code ECS_INTERDOMAIN}). */
    public record Interdomain(int remoteDom, int remotePort) implements Binding {
    }

    /**
     * Connected to a back end in domain 0 ({@code ECS_INTERDOMAIN} whose remote domain is 0): the
     * guest's {@code send} on it runs {@code onNotify}; the back end raises events on it.
     */
    public record Backend(Runnable onNotify) implements Binding {
    }

    /** Raised by the hypervisor's virtual IRQ {@code virq} ({@code ECS_VIRQ}). */
    public record Virq(int virq) implements Binding {
    }

    /** Raised by line {@code line} of the VM's interrupt controller ({@code ECS_PIRQ}). */
    public record Pirq(int line) implements Binding {
    }

    private final Binding[] ports = new Binding[PORTS];

    /** What {@code port} is bound to, or null if it is not in use (or no port at all). */
    public Binding binding(int port) {
        return port > 0 && port < PORTS ? ports[port] : null;
    }

    /** True if {@code port} is allocated. */
    public boolean inUse(int port) {
        return binding(port) != null;
    }

    /** The port bound to virtual IRQ {@code virq}, or 0. */
    public int portOfVirq(int virq) {
        return find(new Virq(virq));
    }

    /** The port bound to interrupt line {@code line}, or 0. */
    public int portOfPirq(int line) {
        return find(new Pirq(line));
    }

    /**
     * {@code EVTCHNOP_alloc_unbound}: a fresh port that {@code remoteDom} may bind: this domain,
     * or domain 0, the back ends'.
     */
    public int allocUnbound(int dom, int remoteDom) {
        if (dom != XenAbi.DOMID_SELF || remoteDom != XenAbi.DOMID_SELF && remoteDom != XenAbi.DOMID_BACKEND) {
            return -Errno.ESRCH;   // no other domain exists to bind it
        }
        return allocate(new Unbound(remoteDom));
    }

    /**
     * A back end in domain 0 binds {@code port}, which must be unbound for domain 0: it becomes
     * connected to the back end, whose {@code onNotify} the guest's {@code send} runs.
     *
     * @return 0, or {@code -EINVAL} if the port is not unbound for domain 0
     */
    public int connectBackend(int port, Runnable onNotify) {
        if (!(binding(port) instanceof Unbound unbound) || unbound.remoteDom() != XenAbi.DOMID_BACKEND) {
            return -Errno.EINVAL;
        }
        ports[port] = new Backend(onNotify);
        return 0;
    }

    /** The builder's port for a store in {@code remoteDom}: unbound, waiting for it. */
    int allocUnboundFor(int remoteDom) {
        return allocate(new Unbound(remoteDom));
    }

    /**
     * {@code EVTCHNOP_bind_interdomain}: a fresh port connected to {@code remotePort}, which must
     * be an unbound port waiting for us; the remote port becomes connected to it.
     */
    public int bindInterdomain(int remoteDom, int remotePort) {
        if (remoteDom != XenAbi.DOMID_SELF) {
            return -Errno.ESRCH;
        }
        if (!(binding(remotePort) instanceof Unbound unbound) || unbound.remoteDom() != XenAbi.DOMID_SELF) {
            return -Errno.EINVAL;
        }
        int port = allocate(new Interdomain(XenAbi.DOMID_SELF, remotePort));
        if (port > 0) {
            ports[remotePort] = new Interdomain(XenAbi.DOMID_SELF, port);
        }
        return port;
    }

    /** {@code EVTCHNOP_bind_virq}: a fresh port for virtual IRQ {@code virq} of vCPU {@code vcpu}. */
    public int bindVirq(int virq, int vcpu) {
        if (virq != XenAbi.VIRQ_TIMER && virq != XenAbi.VIRQ_CONSOLE || vcpu != 0) {
            return -Errno.EINVAL;
        }
        return portOfVirq(virq) != 0 ? -Errno.EEXIST : allocate(new Virq(virq));
    }

    /** {@code EVTCHNOP_bind_pirq}: a fresh port for line {@code line} of the VM's interrupt controller. */
    public int bindPirq(int line) {
        if (line < 0 || line >= InterruptController.LINES) {
            return -Errno.EINVAL;
        }
        return portOfPirq(line) != 0 ? -Errno.EEXIST : allocate(new Pirq(line));
    }

    /**
     * {@code EVTCHNOP_close}: frees {@code port}; the peer of an interdomain channel goes back to
     * unbound, waiting for us again.
     */
    public int close(int port) {
        Binding binding = binding(port);
        if (binding == null) {
            return -Errno.EINVAL;
        }
        if (binding instanceof Interdomain channel && binding(channel.remotePort()) instanceof Interdomain) {
            ports[channel.remotePort()] = new Unbound(channel.remoteDom());
        }
        ports[port] = null;
        return 0;
    }

    /**
     * {@code EVTCHNOP_send} on {@code port}: the port to raise the event on (the other end of an
     * interdomain channel), 0 for an unbound port (nothing happens) or one connected to a back end
     * (whose {@link Backend#onNotify} the caller runs), or {@code -EINVAL} for a port not in use or
     * bound to an IRQ, which only the hypervisor raises.
     */
    public int send(int port) {
        Binding binding = binding(port);
        if (binding instanceof Interdomain channel) {
            return channel.remotePort();
        }
        return binding instanceof Unbound || binding instanceof Backend ? 0 : -Errno.EINVAL;
    }

    private int allocate(Binding binding) {
        for (int port = 1; port < PORTS; port++) {
            if (ports[port] == null) {
                ports[port] = binding;
                return port;
            }
        }
        return -Errno.ENOSPC;
    }

    /** The lowest free port, or {@code -ENOSPC}: what the next allocation will return. */
    public int freePort() {
        for (int port = 1; port < PORTS; port++) {
            if (ports[port] == null) {
                return port;
            }
        }
        return -Errno.ENOSPC;
    }

    private int find(Binding binding) {
        for (int port = 1; port < PORTS; port++) {
            if (binding.equals(ports[port])) {
                return port;
            }
        }
        return 0;
    }
}
