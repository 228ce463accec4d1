package org.vmlab.cpu.paravirt;

import org.vmlab.machine.Fault;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.VirtualMachine;

/**
 * {@code event_channel_op(cmd, arg)}, Xen's {@code __HYPERVISOR_event_channel_op}: the command in
 * {@code r2}, at {@code r3} its argument, Xen's {@code evtchn_*} structure in words. The call reads
 * the argument, has the {@link EventChannels} table do the command and {@link EventDelivery} raise
 * or unmask what it must, and writes the port it allocated back into the argument.
 *
 * <p>Nothing changes unless the whole call can succeed: an argument that cannot be read, or an
 * out word that could not be written, is {@code -EFAULT} before the table is touched.
 */
final class EventChannelOp {
    private final EventChannels channels;
    private final EventDelivery delivery;
    private final SharedInfo shared;

    EventChannelOp(EventChannels channels, EventDelivery delivery, SharedInfo shared) {
        this.channels = channels;
        this.delivery = delivery;
        this.shared = shared;
    }

    int run(VirtualMachine vm, HypercallTable.Arguments args) {
        int arg = args.a2();
        try {
            return switch (args.a1()) {
                case XenAbi.EVTCHNOP_ALLOC_UNBOUND -> {
                    // struct evtchn_alloc_unbound: dom, remote_dom, port (out)
                    int dom = GuestCopy.fromGuestWord(vm, arg);
                    int remoteDom = GuestCopy.fromGuestWord(vm, arg + 4);
                    yield allocated(vm, arg + 8, () -> channels.allocUnbound(dom, remoteDom));
                }
                case XenAbi.EVTCHNOP_BIND_INTERDOMAIN -> {
                    // struct evtchn_bind_interdomain: remote_dom, remote_port, local_port (out)
                    int remoteDom = GuestCopy.fromGuestWord(vm, arg);
                    int remotePort = GuestCopy.fromGuestWord(vm, arg + 4);
                    yield allocated(vm, arg + 8, () -> channels.bindInterdomain(remoteDom, remotePort));
                }
                case XenAbi.EVTCHNOP_BIND_VIRQ -> {
                    // struct evtchn_bind_virq: virq, vcpu, port (out)
                    int virq = GuestCopy.fromGuestWord(vm, arg);
                    int vcpu = GuestCopy.fromGuestWord(vm, arg + 4);
                    yield allocated(vm, arg + 8, () -> channels.bindVirq(virq, vcpu));
                }
                case XenAbi.EVTCHNOP_BIND_PIRQ -> {
                    // struct evtchn_bind_pirq: pirq, flags (ignored: nothing is shared), port (out)
                    int line = GuestCopy.fromGuestWord(vm, arg);
                    GuestCopy.fromGuestWord(vm, arg + 4);
                    yield allocated(vm, arg + 8, () -> channels.bindPirq(line));
                }
                case XenAbi.EVTCHNOP_CLOSE -> close(GuestCopy.fromGuestWord(vm, arg));
                case XenAbi.EVTCHNOP_SEND -> send(vm, GuestCopy.fromGuestWord(vm, arg));
                case XenAbi.EVTCHNOP_UNMASK -> unmask(vm, GuestCopy.fromGuestWord(vm, arg));
                default -> -Errno.ENOSYS;
            };
        } catch (Fault f) {
            return -Errno.EFAULT;
        }
    }

    /** Allocates a port by {@code command} and writes it at {@code out}, checked writable first. */
    private static int allocated(VirtualMachine vm, int out, java.util.function.IntSupplier command) {
        GuestCopy.checkWritableWord(vm, out);
        int port = command.getAsInt();
        if (port < 0) {
            return port;
        }
        GuestCopy.toGuestWord(vm, out, port);
        return 0;
    }

    /** A closed port's pending event goes with it, so that the port's next binding starts clean. */
    private int close(int port) {
        int result = channels.close(port);
        if (result == 0) {
            shared.setPendingPorts(shared.pendingPorts() & ~(1 << port));
        }
        return result;
    }

    private int send(VirtualMachine vm, int port) {
        int target = channels.send(port);
        if (target < 0) {
            return target;
        }
        vm.counters().add("pv.evtchn.sent", 1);
        if (channels.binding(port) instanceof EventChannels.Backend backend) {
            backend.onNotify().run();   // to domain 0: the back end takes it at once
        } else if (target > 0) {
            delivery.raise(vm, shared, target);
        }
        return 0;
    }

    private int unmask(VirtualMachine vm, int port) {
        if (!channels.inUse(port)) {
            return -Errno.EINVAL;
        }
        delivery.unmask(vm, shared, port);
        return 0;
    }
}
