package org.vmlab.cpu.paravirt;

/**
 * The numbers of the paravirtual interface, as Xen's public headers name them
 * ({@code xen/include/public/xen.h}, {@code sched.h}, {@code event_channel.h}, {@code version.h}). docs/paravirt.md is the normative
 * description; the calling convention is the core's {@link org.vmlab.vmm.HypercallTable}'s.
 */
public final class XenAbi {
    private XenAbi() {
    }

    /** The hypercall instruction is {@code int 0x82}, as 32-bit Xen's {@code TRAP_INSTR}. */
    public static final int HYPERCALL_VECTOR = 0x82;

    // Hypercall numbers (__HYPERVISOR_*).
    /** {@code set_trap_table(list)}: registers the guest's trap table. */
    public static final int SET_TRAP_TABLE = 0;
    /** {@code stack_switch(ss, sp)}: the kernel stack for traps from user mode. */
    public static final int STACK_SWITCH = 3;
    /** {@code set_callbacks(event, failsafe)}: where events are delivered. */
    public static final int SET_CALLBACKS = 4;
    /** {@code multicall(list, count)}: several hypercalls for one exit. */
    public static final int MULTICALL = 13;
    /** {@code set_timer_op(low, high)}: a one-shot {@code VIRQ_TIMER} deadline. */
    public static final int SET_TIMER_OP = 15;
    /** {@code xen_version(cmd)}: the version; the cheapest call, made to take a pending upcall. */
    public static final int XEN_VERSION = 17;
    /** {@code console_io(cmd, count, buffer)}: the guest's console. */
    public static final int CONSOLE_IO = 18;
    /** {@code iret()}: return from a trap handler, from the frame on the guest's stack. */
    public static final int IRET = 23;
    /** {@code sched_op(cmd, arg)}: yield, block, shut down. */
    public static final int SCHED_OP = 29;
    /** {@code event_channel_op(cmd, arg)}: the event channels. */
    public static final int EVENT_CHANNEL_OP = 32;

    /** The most entries one multicall may hold. */
    public static final int MULTICALL_MAX_ENTRIES = 512;
    /** Words per multicall entry: Xen's {@code multicall_entry} (op, result, six arguments). */
    public static final int MULTICALL_ENTRY_WORDS = 8;

    // console_io commands (CONSOLEIO_*).
    public static final int CONSOLEIO_WRITE = 0;
    public static final int CONSOLEIO_READ = 1;

    // sched_op commands (SCHEDOP_*) and shutdown reasons (SHUTDOWN_*).
    public static final int SCHEDOP_YIELD = 0;
    public static final int SCHEDOP_BLOCK = 1;
    public static final int SCHEDOP_SHUTDOWN = 2;
    public static final int SHUTDOWN_POWEROFF = 0;
    public static final int SHUTDOWN_CRASH = 3;

    /** {@code XENVER_version}, and what it returns: version 3.0, major in the high half. */
    public static final int XENVER_VERSION = 0;
    public static final int XEN_VERSION_3_0 = 3 << 16;

    /** A trap-table entry's flag (word 0, bit 10; Xen's {@code TI_GET_IF}): mask events on entry. */
    public static final int TI_MASK_EVENTS = 1 << 10;

    /**
     * A trap-table entry's flag (word 0, bit 11): a fast trap, entered from user mode by the
     * processor itself, without passing through the hypervisor (Xen's {@code set_fast_trap}, and
     * 32-bit Xen's direct {@code int 0x80} gate). docs/paravirt.md, "The trap table".
     */
    public static final int TI_FAST_TRAP = 1 << 11;

    /** The calling domain, wherever a domain is named ({@code DOMID_SELF}). */
    public static final int DOMID_SELF = 0x7FF0;

    /** Domain 0, where the back ends of split drivers run ({@link org.vmlab.vmm.DomainEvents}). */
    public static final int DOMID_BACKEND = org.vmlab.vmm.DomainEvents.BACKEND_DOMAIN;

    // event_channel_op commands (EVTCHNOP_*).
    public static final int EVTCHNOP_BIND_INTERDOMAIN = 0;
    public static final int EVTCHNOP_BIND_VIRQ = 1;
    public static final int EVTCHNOP_BIND_PIRQ = 2;
    public static final int EVTCHNOP_CLOSE = 3;
    public static final int EVTCHNOP_SEND = 4;
    public static final int EVTCHNOP_ALLOC_UNBOUND = 6;
    public static final int EVTCHNOP_UNMASK = 9;

    // Virtual IRQs (VIRQ_*).
    /** The {@code set_timer_op} deadline was reached. */
    public static final int VIRQ_TIMER = 0;
    /** Console input is waiting for {@code CONSOLEIO_read}. */
    public static final int VIRQ_CONSOLE = 2;
}
