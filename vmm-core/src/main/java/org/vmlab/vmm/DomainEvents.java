package org.vmlab.vmm;

/**
 * How a back end in domain 0 (the driver domain under bare-metal hosting, the host process under
 * hosted) reaches a paravirtual guest's event channels: the far end of an interdomain channel
 * whose near end is the guest's (Xen's {@code evtchn_bind_interdomain} made by the back end's
 * domain, and {@code notify_remote_via_evtchn} from there). A CPU technique whose guests have
 * event channels offers it ({@link CpuVirtualization#domainEvents()}); a device technique uses it
 * without knowing the technique, so that device-module need not depend on cpu-module.
 *
 * <p>docs/paravirt.md ("Split device drivers") is the interface the guest sees.
 */
public interface DomainEvents {
    /** The back ends' domain, as a guest names it ({@code remote_dom} of {@code alloc_unbound}). */
    int BACKEND_DOMAIN = 0;

    /**
     * Binds the back end to the guest's {@code port}, which must be allocated unbound for domain 0
     * ({@code alloc_unbound} with {@code remote_dom} 0): the port becomes an interdomain channel
     * to the back end, and each {@code send} the guest makes on it runs {@code onNotify} (within
     * the guest's hypercall), until the guest closes it.
     *
     * @return 0, or {@code -EINVAL} ({@link Errno}) if {@code port} is not a port unbound for
     *         domain 0 (not in use, bound, or waiting for another domain), having changed nothing
     */
    int connect(int port, Runnable onNotify);

    /**
     * The back end notifies the guest: an event on the guest's {@code port}, delivered as any
     * event ({@code evtchn_set_pending}). Nothing happens if the port is no longer connected to
     * a back end (the guest closed it).
     */
    void notify(int port);
}
