package org.vmlab.cpu.trapemulate;

import org.vmlab.cpu.DirectExecution;
import org.vmlab.machine.Fault;
import org.vmlab.machine.Trap;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.ExitHandlers;
import org.vmlab.vmm.VirtualMachine;

/**
 * Trap-and-emulate (Popek and Goldberg 1974): the guest, kernel included, runs directly on the
 * real CPU, deprivileged (its kernel in ring 1). Innocuous instructions run at full speed; every
 * privileged one traps, because it is not in ring 0, and the VMM emulates it on the vCPU. On an
 * ISA where every sensitive instruction is privileged (Theorem 1), nothing sensitive escapes.
 *
 * <p>This class is the mechanism: run the guest directly, and turn what stopped it into an
 * {@link Exit}. What to do with each exit is the {@link TrapHandler}'s; this class registers it
 * as the VM's handler of the exits it raises, charging each its cost first.
 */
public final class TrapAndEmulate implements CpuVirtualization {
    private final TrapHandler handler;

    public TrapAndEmulate(TrapHandler handler) {
        this.handler = handler;
    }

    @Override
    public String name() {
        return "trap-emulate";
    }

    /** The guest's code runs unmodified on the real CPU: its ticks are the guest's. */
    @Override
    public boolean guestRunsDirectly() {
        return true;
    }

    @Override
    public void attach(VirtualMachine vm) {
        ExitHandlers exits = vm.exitHandlers();
        exits.register(Exit.PrivilegedInstruction.class, name(), (v, exit) -> emulate(v, exit, false));
        exits.register(Exit.Halt.class, name(), (v, exit) -> emulate(v, exit, false));
        exits.register(Exit.IoAccess.class, name(), (v, exit) -> emulate(v, exit, true));
        exits.register(Exit.GuestException.class, name(), this::reflect);
        exits.register(Exit.SoftwareInterrupt.class, name(), this::reflect);
    }

    private void emulate(VirtualMachine vm, Exit exit, boolean device) {
        vm.counters().event(CoreEvent.TRAP_AND_EMULATE);
        if (device) {
            vm.deviceAccessEmulated();
        }
        handler.handle(vm, exit);
    }

    private void reflect(VirtualMachine vm, Exit exit) {
        vm.counters().event(CoreEvent.REFLECTION);
        handler.handle(vm, exit);
    }

    @Override
    public Exit run(VirtualMachine vm, long budget) {
        Trap trap = DirectExecution.run(vm, budget);
        if (trap == null) {
            return new Exit.Timer(vm.vcpu().pc());
        }
        Exit exit = DirectExecution.exitFor(trap);
        return exit instanceof Exit.GuestException fault && fault.vector() == Vector.GENERAL_PROTECTION
                ? privilegedOrNot(vm, fault) : exit;
    }

    /** A #GP on a privileged instruction is the VMM's cue to emulate; any other is the guest's. */
    private static Exit privilegedOrNot(VirtualMachine vm, Exit.GuestException fault) {
        Instruction insn = decodeAt(vm, fault.pc());
        if (insn == null || !vm.host().cpu().isa().trapsOutsideRing0(insn.opcode())) {
            return fault;
        }
        return switch (insn.opcode()) {
            case IN, OUT -> new Exit.IoAccess(fault.pc(), insn);
            case HLT -> new Exit.Halt(fault.pc(), insn);
            default -> new Exit.PrivilegedInstruction(fault.pc(), insn);
        };
    }

    private static Instruction decodeAt(VirtualMachine vm, int pc) {
        try {
            return Instruction.decode(vm.guestMemory().fetch(pc));
        } catch (Fault f) {
            return null;
        }
    }
}
