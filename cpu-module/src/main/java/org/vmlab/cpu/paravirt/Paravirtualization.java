package org.vmlab.cpu.paravirt;

import java.util.List;
import java.util.Optional;
import org.vmlab.cpu.DirectExecution;
import org.vmlab.machine.Clock;
import org.vmlab.machine.Cpu;
import org.vmlab.machine.DirectGate;
import org.vmlab.machine.ExitControls;
import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.Trap;
import org.vmlab.machine.device.Console;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.DomainEvents;
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
 * the {@code legacy} ISA serves as well as {@code classic}. Its virtual interrupt flag lives in
 * the shared-info page as the upcall mask, which the guest sets and clears with plain stores: the
 * hypervisor reads it into the vCPU at each exit, before handling it, and writes the vCPU's back
 * before each entry, so that between the two the vCPU's IF is the truth (a trap delivery clears
 * it, {@code iret} restores it). Interrupts and timers reach the guest as events on its event
 * channels, delivered as upcalls to its callback.
 *
 * <p>A system call whose trap-table entry the guest marked fast does not exit at all: at each
 * entry into the guest with events unmasked, the processor's exit controls get a direct gate for
 * it (docs/isa.md, "Direct gates"), into the guest kernel's ring, and the real {@code cr4} holds
 * the guest's kernel stack, so that {@code int} from user mode enters the guest kernel as bare
 * metal would, the hypervisor never seeing it (Xen's fast system call). The vCPU's virtual ring
 * follows the real one at the next exit ({@link DirectExecution}).
 *
 * <p>One instance serves one VM: it keeps that VM's trap table, event channels and timer.
 */
public final class Paravirtualization implements CpuVirtualization {
    private final TrapTable trapTable = new TrapTable();
    private final EventDelivery delivery;
    private SingleShotTimer timer;
    private int eventCallback;
    // The domain the builder made at load; null until then.
    private StartInfo startInfo;
    private SharedInfo shared;
    private EventChannels channels;
    private EventChannelOp eventChannelOp;
    // The VM served, from attach on (a back end's notifications reach its guest).
    private VirtualMachine vm;
    // The exit controls the vCPU's binding set at the world switch, and the same with the direct
    // gates of the fast trap-table entries (made again when those change).
    private ExitControls boundControls = ExitControls.EVERY_TRAP;
    private ExitControls fastControls;
    private List<DirectGate> fastControlsGates;
    // The direct gates of the entry under way: their vectors' entries are counted after it.
    private List<DirectGate> armed = List.of();

    /** Paravirtualization whose events reach the guest by {@code delivery}'s rules (Lab 4's). */
    public Paravirtualization(EventDelivery delivery) {
        this.delivery = new CountedDelivery(delivery);
    }

    @Override
    public String name() {
        return "paravirt";
    }

    /**
     * A paravirtual guest has registered state with this VMM (its trap table, event callback,
     * event channels and shared-info page) and, under direct paging, page tables naming this host's
     * machine frames: Xen moves such a guest only after canonicalizing them [Clark et al., NSDI
     * 2005, section 5], which vmlab does not do.
     */
    @Override
    public java.util.Optional<String> whyNotCapturable() {
        return java.util.Optional.of("a paravirtual guest's trap table, event channels and shared-info page are"
                + " registered with this host's VMM, which does not capture them (run it with --cpu trap-emulate,"
                + " binary-translation or hardware)");
    }

    /** The guest's code runs unmodified on the real CPU: its ticks are the guest's. */
    @Override
    public boolean guestRunsDirectly() {
        return true;
    }

    @Override
    public List<VmmEvent> events() {
        return ParavirtEvent.ALL;
    }

    @Override
    public void attach(VirtualMachine vm) {
        this.vm = vm;
        vm.traps().setGates(trapTable);
        vm.exitHandlers().register(Exit.GuestException.class, name(), Paravirtualization::deliverException);
        vm.exitHandlers().register(Exit.SoftwareInterrupt.class, name(), Paravirtualization::deliverSoftwareInterrupt);
        vm.exitHandlers().register(Exit.IoAccess.class, name(), Paravirtualization::emulatePortIo);
        HypercallTable calls = vm.hypercalls();
        calls.register(XenAbi.SET_TRAP_TABLE, "set_trap_table", name(),
                counted("set_trap_table", (v, args) -> trapTable.register(v, args.a1())));
        calls.register(XenAbi.STACK_SWITCH, "stack_switch", name(), counted("stack_switch", Paravirtualization::stackSwitch));
        calls.register(XenAbi.SET_CALLBACKS, "set_callbacks", name(), counted("set_callbacks", this::setCallbacks));
        calls.register(XenAbi.MULTICALL, "multicall", name(), counted("multicall", Multicall::run));
        calls.register(XenAbi.SET_TIMER_OP, "set_timer_op", name(), counted("set_timer_op", this::setTimerOp));
        calls.register(XenAbi.XEN_VERSION, "xen_version", name(), counted("xen_version", Paravirtualization::xenVersion));
        calls.register(XenAbi.CONSOLE_IO, "console_io", name(), counted("console_io", this::consoleIo));
        calls.register(XenAbi.SCHED_OP, "sched_op", name(), counted("sched_op", this::schedOp));
        calls.registerNoReturn(XenAbi.IRET, "iret", name(), counted("iret", Paravirtualization::iret));
        calls.register(XenAbi.EVENT_CHANNEL_OP, "event_channel_op", name(),
                counted("event_channel_op", this::eventChannelOp));
        timer = new SingleShotTimer(vm.devices().clock(), () -> raiseVirq(vm, XenAbi.VIRQ_TIMER));
    }

    /**
     * The domain builder's work, after the loader's ({@link DomainBuilder}): memory backed, the
     * start-info and shared-info pages and the frame list laid out, {@code r2} at the start-info
     * page, events masked. Console input waiting from the start raises {@code VIRQ_CONSOLE}.
     */
    @Override
    public void loaded(VirtualMachine vm, Image image) {
        timer.cancel();
        eventCallback = 0;
        channels = new EventChannels();
        startInfo = DomainBuilder.build(vm, image, channels);
        shared = new SharedInfo(vm.memory(), startInfo.sharedInfo());
        eventChannelOp = new EventChannelOp(channels, delivery, shared);
        if (vm.devices().standard().console().remainingInput() > 0) {
            raiseVirq(vm, XenAbi.VIRQ_CONSOLE);
        }
    }

    /**
     * The world switch: the binding has just set the exit controls (every trap exits); the direct
     * gates of the fast entries are added to them at each entry ({@link #enter}).
     */
    @Override
    public void activate(VirtualMachine vm) {
        boundControls = vm.host().cpu().exitControls().withDirectGates(List.of());
        fastControls = null;
        fastControlsGates = null;
    }

    /** What the domain builder handed the kernel, or null before anything was loaded. */
    public StartInfo startInfo() {
        return startInfo;
    }

    /**
     * The guest's event channels as the back ends in domain 0 reach them: a port the guest
     * allocated unbound for domain 0 connects to a back end, and the back end's notifications are
     * events on it. Before the domain is built there is no port to connect.
     */
    @Override
    public Optional<DomainEvents> domainEvents() {
        return Optional.of(new DomainEvents() {
            @Override
            public int connect(int port, Runnable onNotify) {
                return channels == null ? -Errno.EINVAL : channels.connectBackend(port, onNotify);
            }

            @Override
            public void notify(int port) {
                if (channels != null && channels.binding(port) instanceof EventChannels.Backend) {
                    delivery.raise(vm, shared, port);
                }
            }
        });
    }

    /** The VM's event channels, or null before anything was loaded. */
    EventChannels channels() {
        return channels;
    }

    @Override
    public Exit run(VirtualMachine vm, long budget) {
        if (shared != null) {
            enter(vm);
            if (vm.stopped()) {
                return new Exit.Timer(vm.vcpu().pc());   // the upcall could not be delivered
            }
        }
        long directBefore = directEntries(vm);
        Trap trap = DirectExecution.run(vm, budget);
        long direct = directEntries(vm) - directBefore;
        if (direct > 0) {
            vm.counters().add("pv.trap.direct", direct);   // system calls that did not exit
        }
        if (shared != null) {
            vm.vcpu().setVirtualInterruptsEnabled(!shared.upcallMask());   // the exit: before handling it
        }
        if (trap == null) {
            return new Exit.Timer(vm.vcpu().pc());
        }
        Exit exit = DirectExecution.exitFor(trap);
        if (exit instanceof Exit.SoftwareInterrupt call && call.vector() == XenAbi.HYPERCALL_VECTOR
                && vm.vcpu().virtualRing() == 0) {
            vm.counters().event(ParavirtEvent.HYPERCALL);   // the exit's cost, whatever the call
            return new Exit.Hypercall(call.pc(), vm.vcpu().register(HypercallTable.NUMBER_REGISTER));
        }
        if (exit instanceof Exit.GuestException fault) {
            return portIoOrNot(vm, fault);
        }
        return exit;   // from user mode, int 0x82 is an int like any other: the trap table decides
    }

    /**
     * Entering the guest: interrupts its controller holds become events, a pending upcall is
     * delivered if events are unmasked (so also as a hypercall returns, the one that unmasked
     * included), and the shared-info page gets the vCPU's upcall mask, cr2 and time.
     */
    private void enter(VirtualMachine vm) {
        PhysicalIrqs.takeDeliverable(vm, channels, delivery, shared);
        delivery.deliverUpcall(vm, shared, eventCallback);
        Vcpu vcpu = vm.vcpu();
        Clock clock = vm.devices().clock();
        clock.advanceTo(vcpu.ticks());
        shared.setUpcallMask(!vcpu.virtualInterruptsEnabled());
        shared.setCr2(vcpu.controlRegister(Registers.CR2));
        shared.setTime(clock.now());
        armFastTraps(vm);
    }

    /**
     * The processor set up for the fast entries: their direct gates in the exit controls, into
     * the guest kernel's real ring, and the real {@code cr4} at the guest's kernel stack, where
     * the processor pushes the frame. Only when events are unmasked, as they are in user mode:
     * the frame the processor pushes holds the real IF, which is then the guest's, so that the
     * guest sees exactly the frame a delivery by the hypervisor would give it.
     */
    private void armFastTraps(VirtualMachine vm) {
        Vcpu vcpu = vm.vcpu();
        Cpu cpu = vm.host().cpu();
        List<DirectGate> gates = trapTable.directGates(vcpu.binding().realRing(0));
        ExitControls controls = boundControls;
        armed = List.of();
        if (!gates.isEmpty() && vcpu.virtualInterruptsEnabled()) {
            if (fastControlsGates != gates) {
                fastControls = boundControls.withDirectGates(gates);
                fastControlsGates = gates;
            }
            controls = fastControls;
            armed = gates;
            int kernelStack = vcpu.controlRegister(Registers.CR4);
            if (cpu.controlRegister(Registers.CR4) != kernelStack) {
                cpu.setControlRegister(Registers.CR4, kernelStack);
            }
        }
        if (cpu.exitControls() != controls) {
            cpu.setExitControls(controls);
        }
    }

    /** How many times the processor entered an armed direct gate, so far. */
    private long directEntries(VirtualMachine vm) {
        long n = 0;
        for (DirectGate gate : armed) {
            n += vm.host().cpu().vectorCount(gate.vector());
        }
        return n;
    }

    /**
     * The interrupt of {@code vector}, which the core took from the VM's controller because the
     * guest has events unmasked: an event on the port bound to its line (or dropped), delivered as
     * an upcall at the next entry.
     */
    @Override
    public void inject(VirtualMachine vm, int vector) {
        if (shared == null) {
            vm.devices().pic().endOfInterrupt();   // no domain built: nowhere to send it
            return;
        }
        PhysicalIrqs.route(vm, vector, channels, delivery, shared);
    }

    private void raiseVirq(VirtualMachine vm, int virq) {
        int port = channels == null ? 0 : channels.portOfVirq(virq);
        if (port != 0) {
            delivery.raise(vm, shared, port);
        }
    }

    /**
     * A #GP of the guest kernel on {@code in} or {@code out} is a port access to emulate; any
     * other #GP (a privileged instruction, {@code hlt} included, which a paravirtual kernel does
     * not run) is the guest's, delivered through its trap table as Xen delivers what it does not
     * emulate.
     */
    private static Exit portIoOrNot(VirtualMachine vm, Exit.GuestException fault) {
        if (fault.vector() != Vector.GENERAL_PROTECTION || vm.vcpu().virtualRing() != 0) {
            return fault;
        }
        Instruction insn;
        try {
            insn = Instruction.decode(vm.guestMemory().fetch(fault.pc()));
        } catch (Fault unreadable) {
            return fault;
        }
        boolean portIo = insn != null && (insn.opcode() == Opcode.IN || insn.opcode() == Opcode.OUT);
        return portIo ? new Exit.IoAccess(fault.pc(), insn) : fault;
    }

    private static void emulatePortIo(VirtualMachine vm, Exit.IoAccess access) {
        vm.counters().event(CoreEvent.TRAP_AND_EMULATE);
        vm.deviceAccessEmulated();
        PortIo.emulate(vm, access);
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

    /**
     * {@code console_io(cmd, count, buffer)}: the guest's console, written or read a buffer at a
     * time. A read that leaves input waiting raises {@code VIRQ_CONSOLE} again, so that a guest
     * reading a piece per event is told to read on.
     */
    private int consoleIo(VirtualMachine vm, HypercallTable.Arguments args) {
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
                    if (console.remainingInput() > 0) {
                        raiseVirq(vm, XenAbi.VIRQ_CONSOLE);
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
    private int schedOp(VirtualMachine vm, HypercallTable.Arguments args) {
        switch (args.a1()) {
            case XenAbi.SCHEDOP_YIELD -> {
                return 0;
            }
            case XenAbi.SCHEDOP_BLOCK -> {
                // As Xen's: block also unmasks events, so the one that wakes it can be delivered;
                // and with an upcall already pending it does not wait, it takes it.
                vm.vcpu().setVirtualInterruptsEnabled(true);
                if (shared == null || !shared.upcallPending()) {
                    vm.vcpu().startWaiting();
                }
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

    /**
     * {@code set_callbacks(event, failsafe)}: events are delivered to {@code event} from now on;
     * the failsafe callback is kept by Xen for a segment that fails to load, which cannot happen
     * here, so it is not kept at all.
     */
    private int setCallbacks(VirtualMachine vm, HypercallTable.Arguments args) {
        eventCallback = args.a1();
        return 0;
    }

    /**
     * {@code set_timer_op(low, high)}: one {@code VIRQ_TIMER} when the VM's time reaches the
     * 64-bit deadline ({@link SingleShotTimer}); 0 cancels; a new deadline replaces the old.
     */
    private int setTimerOp(VirtualMachine vm, HypercallTable.Arguments args) {
        vm.devices().clock().advanceTo(vm.vcpu().ticks());
        timer.set((long) args.a2() << 32 | Integer.toUnsignedLong(args.a1()));
        return 0;
    }

    /** {@code xen_version(cmd)}: {@code XENVER_version} gives 3.0. */
    private static int xenVersion(VirtualMachine vm, HypercallTable.Arguments args) {
        return args.a1() == XenAbi.XENVER_VERSION ? XenAbi.XEN_VERSION_3_0 : -Errno.ENOSYS;
    }

    /** {@code event_channel_op(cmd, arg)}: {@link EventChannelOp}, once the domain is built. */
    private int eventChannelOp(VirtualMachine vm, HypercallTable.Arguments args) {
        return eventChannelOp == null ? -Errno.ENOSYS : eventChannelOp.run(vm, args);
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
