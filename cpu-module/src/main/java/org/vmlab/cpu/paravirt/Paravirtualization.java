package org.vmlab.cpu.paravirt;

import java.util.List;
import org.vmlab.cpu.DirectExecution;
import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.Trap;
import org.vmlab.machine.device.Console;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.HypercallTable;
import org.vmlab.vmm.Vcpu;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmmEvent;

/**
 * Paravirtualization, as Xen does it (Barham et al., "Xen and the Art of Virtualization", SOSP
 * 2003): the guest kernel knows it runs deprivileged, in ring 1, and asks the hypervisor for what
 * it may not do itself, by hypercall ({@code int 0x82}), instead of trying and trapping. It
 * registers a trap table rather than loading an IDT, and the hypervisor delivers the guest's
 * exceptions and system calls through it. docs/paravirt.md gives the interface.
 *
 * <p>The guest runs directly, as under trap-and-emulate; nothing sensitive needs to trap, so
 * the {@code legacy} ISA serves as well as {@code classic}.
 */
public final class Paravirtualization implements CpuVirtualization {
    private final TrapTable trapTable = new TrapTable();

    @Override
    public String name() {
        return "paravirt";
    }

    @Override
    public List<VmmEvent> events() {
        return ParavirtEvent.ALL;
    }

    @Override
    public void attach(VirtualMachine vm) {
        vm.traps().setGates(trapTable);
        vm.exitHandlers().register(Exit.GuestException.class, name(), Paravirtualization::deliverException);
        vm.exitHandlers().register(Exit.SoftwareInterrupt.class, name(), Paravirtualization::deliverSoftwareInterrupt);
        HypercallTable calls = vm.hypercalls();
        calls.register(XenAbi.SET_TRAP_TABLE, "set_trap_table", name(),
                counted("set_trap_table", (v, args) -> trapTable.register(v, args.a1())));
        calls.register(XenAbi.STACK_SWITCH, "stack_switch", name(), counted("stack_switch", Paravirtualization::stackSwitch));
        calls.register(XenAbi.MULTICALL, "multicall", name(), counted("multicall", Multicall::run));
        calls.register(XenAbi.CONSOLE_IO, "console_io", name(), counted("console_io", Paravirtualization::consoleIo));
        calls.register(XenAbi.SCHED_OP, "sched_op", name(), counted("sched_op", Paravirtualization::schedOp));
        calls.registerNoReturn(XenAbi.IRET, "iret", name(), counted("iret", Paravirtualization::iret));
    }

    @Override
    public Exit run(VirtualMachine vm, long budget) {
        Trap trap = DirectExecution.run(vm, budget);
        if (trap == null) {
            return new Exit.Timer(vm.vcpu().pc());
        }
        Exit exit = DirectExecution.exitFor(trap);
        if (exit instanceof Exit.SoftwareInterrupt call && call.vector() == XenAbi.HYPERCALL_VECTOR
                && vm.vcpu().virtualRing() == 0) {
            vm.counters().event(ParavirtEvent.HYPERCALL);   // the exit's cost, whatever the call
            return new Exit.Hypercall(call.pc(), vm.vcpu().register(HypercallTable.NUMBER_REGISTER));
        }
        return exit;   // from user mode, int 0x82 is an int like any other: the trap table decides
    }

    /** Every hypercall is counted by name, whether it came by itself or in a multicall. */
    private static HypercallTable.Hypercall counted(String name, HypercallTable.Hypercall call) {
        return (vm, args) -> {
            vm.counters().add("pv.hypercall." + name, 1);
            return call.call(vm, args);
        };
    }

    private static void deliverException(VirtualMachine vm, Exit.GuestException fault) {
        vm.counters().event(CoreEvent.REFLECTION);
        vm.traps().deliver(fault.vector(), fault.errorCode(), fault.pc());
    }

    private static void deliverSoftwareInterrupt(VirtualMachine vm, Exit.SoftwareInterrupt interrupt) {
        vm.counters().event(CoreEvent.REFLECTION);
        vm.traps().softwareInterrupt(interrupt.vector(), interrupt.pc());
    }

    /**
     * {@code iret()}: the guest kernel, in ring 1, cannot run {@code iret}; it pushes its
     * {@code r1} (which holds the call's number) above the frame its trap handler was entered
     * with, less the error code, and asks the hypervisor to return from it, as Xen's
     * {@code struct iret_context} (eax, eip, eflags, esp). Words at sp: r1, pc, FLAGS, the
     * interrupted sp. FLAGS gives the ring and the interrupt flag returned to; the return may not
     * go to a more privileged ring than the caller's. A frame out of reach is a fault the guest
     * takes, at the hypercall.
     */
    private static int iret(VirtualMachine vm, HypercallTable.Arguments args) {
        Vcpu vcpu = vm.vcpu();
        int sp = vcpu.register(Registers.SP);
        int r1 = GuestCopy.fromGuestWord(vm, sp);
        int pc = GuestCopy.fromGuestWord(vm, sp + 4);
        int flags = GuestCopy.fromGuestWord(vm, sp + 8);
        int oldSp = GuestCopy.fromGuestWord(vm, sp + 12);
        int ring = (flags & Registers.CPL_MASK) >>> Registers.CPL_SHIFT;
        if (ring < vcpu.virtualRing()) {
            throw new Fault(Vector.GENERAL_PROTECTION, 0);
        }
        vcpu.setRegister(HypercallTable.NUMBER_REGISTER, r1);
        vcpu.setFlags(flags);
        vcpu.setRegister(Registers.SP, oldSp);
        vcpu.setPc(pc);
        return 0;
    }

    /** {@code stack_switch(ss, sp)}: traps from user mode land on {@code sp} (there are no segments). */
    private static int stackSwitch(VirtualMachine vm, HypercallTable.Arguments args) {
        vm.vcpu().setControlRegister(Registers.CR4, args.a2());
        return 0;
    }

    /** {@code console_io(cmd, count, buffer)}: the guest's console, written or read a buffer at a time. */
    private static int consoleIo(VirtualMachine vm, HypercallTable.Arguments args) {
        int count = args.a2();
        if (count < 0) {
            return -Errno.EINVAL;
        }
        if (count > vm.memory().size()) {
            return -Errno.EFAULT;   // no buffer that long lies in the guest's memory
        }
        Console console = vm.devices().standard().console();
        try {
            return switch (args.a1()) {
                case XenAbi.CONSOLEIO_WRITE -> {
                    byte[] bytes = new byte[count];   // read it all first: a bad buffer writes nothing
                    for (int i = 0; i < count; i++) {
                        bytes[i] = (byte) GuestCopy.fromGuestByte(vm, args.a3() + i);
                    }
                    for (byte b : bytes) {
                        console.out(0, b & 0xFF);
                    }
                    yield 0;
                }
                case XenAbi.CONSOLEIO_READ -> {
                    int n = 0;
                    while (n < count && console.remainingInput() > 0) {
                        GuestCopy.toGuestByte(vm, args.a3() + n, console.in(0));
                        n++;
                    }
                    yield n;
                }
                default -> -Errno.ENOSYS;
            };
        } catch (Fault f) {
            return -Errno.EFAULT;
        }
    }

    /** {@code sched_op(cmd, arg)}: give up the CPU, wait for an event, or shut down. */
    private static int schedOp(VirtualMachine vm, HypercallTable.Arguments args) {
        switch (args.a1()) {
            case XenAbi.SCHEDOP_YIELD -> {
                return 0;
            }
            case XenAbi.SCHEDOP_BLOCK -> {
                // As Xen's: block also unmasks events, so the one that wakes it can be delivered.
                vm.vcpu().setVirtualInterruptsEnabled(true);
                vm.vcpu().startWaiting();
                return 0;
            }
            case XenAbi.SCHEDOP_SHUTDOWN -> {
                int reason;
                try {
                    reason = GuestCopy.fromGuestWord(vm, args.a2());   // Xen's struct sched_shutdown
                } catch (Fault f) {
                    return -Errno.EFAULT;
                }
                return shutdown(vm, reason);
            }
            default -> {
                return -Errno.ENOSYS;
            }
        }
    }

    private static int shutdown(VirtualMachine vm, int reason) {
        switch (reason) {
            case XenAbi.SHUTDOWN_POWEROFF -> vm.vcpu().stop(StopReason.HALT, "the guest shut down (poweroff)");
            case XenAbi.SHUTDOWN_CRASH -> vm.vcpu().stop(StopReason.GUEST_ERROR, "the guest kernel crashed");
            default -> {
                return -Errno.EINVAL;
            }
        }
        return 0;
    }
}
