package org.vmlab.cpu.paravirt;

/**
 * The numbers of the paravirtual interface, as Xen's public headers name them
 * ({@code xen/include/public/xen.h} and {@code sched.h}). docs/paravirt.md is the normative
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
    /** {@code multicall(list, count)}: several hypercalls for one exit. */
    public static final int MULTICALL = 13;
    /** {@code console_io(cmd, count, buffer)}: the guest's console. */
    public static final int CONSOLE_IO = 18;
    /** {@code iret()}: return from a trap handler, from the frame on the guest's stack. */
    public static final int IRET = 23;
    /** {@code sched_op(cmd, arg)}: yield, block, shut down. */
    public static final int SCHED_OP = 29;

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
}
