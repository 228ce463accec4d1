package org.vmlab.vmm;

/**
 * The error codes a hypercall returns, negated, as Xen's do ({@code xen/include/public/errno.h},
 * which takes Linux's numbers).
 */
public final class Errno {
    private Errno() {
    }

    /** Operation not permitted: the caller may not do this (a guest kernel call from user mode). */
    public static final int EPERM = 1;
    /** No such process: a domain or port that does not exist. */
    public static final int ESRCH = 3;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Bad address: an argument points outside what the guest may access. */
    public static final int EFAULT = 14;
    /** Device or resource busy: a page table still in use cannot be unpinned. */
    public static final int EBUSY = 16;
    /** It exists already: an event channel already bound. */
    public static final int EEXIST = 17;
    /** No such device: no split back end of the type asked for. */
    public static final int ENODEV = 19;
    /** Invalid argument: the request would break an invariant the hypervisor keeps. */
    public static final int EINVAL = 22;
    /** No space left: no free event-channel port. */
    public static final int ENOSPC = 28;
    /** Function not implemented: no hypercall of that number. */
    public static final int ENOSYS = 38;
}
