package org.vmlab.cpu.trapemulate;

import org.vmlab.cpu.DirectExecution;
import org.vmlab.machine.Fault;
import org.vmlab.machine.Trap;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.ExitReason;
import org.vmlab.vmm.VirtualMachine;

/**
 * Trap-and-emulate (Popek and Goldberg 1974): the guest, kernel included, runs directly on the
 * real CPU, deprivileged (its kernel in ring 1). Innocuous instructions run at full speed; every
 * privileged one traps, because it is not in ring 0, and the VMM emulates it on the vCPU. On an
 * ISA where every sensitive instruction is privileged (Theorem 1), nothing sensitive escapes.
 *
 * <p>This class is the mechanism: run the guest directly, and turn what stopped it into an
 * {@link Exit}. What to do with each exit is the {@link TrapHandler}'s.
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

    @Override
    public Exit run(VirtualMachine vm, long budget) {
        Trap trap = DirectExecution.run(vm, budget);
        if (trap == null) {
            return Exit.timer(vm.vcpu().pc());
        }
        Exit exit = DirectExecution.exitFor(trap);
        return exit.vector() == Vector.GENERAL_PROTECTION ? privilegedOrNot(vm, exit) : exit;
    }

    /** A #GP on a privileged instruction is the VMM's cue to emulate; any other is the guest's. */
    private static Exit privilegedOrNot(VirtualMachine vm, Exit fault) {
        Instruction insn = decodeAt(vm, fault.pc());
        if (insn == null || !vm.host().cpu().isa().trapsOutsideRing0(insn.opcode())) {
            return fault;
        }
        ExitReason reason = switch (insn.opcode()) {
            case IN, OUT -> ExitReason.IO_ACCESS;
            case HLT -> ExitReason.HALT;
            default -> ExitReason.PRIVILEGED_INSTRUCTION;
        };
        return new Exit(reason, fault.pc(), Vector.GENERAL_PROTECTION, fault.errorCode(), 0, insn);
    }

    private static Instruction decodeAt(VirtualMachine vm, int pc) {
        try {
            return Instruction.decode(vm.guestMemory().fetch(pc));
        } catch (Fault f) {
            return null;
        }
    }

    @Override
    public void handle(VirtualMachine vm, Exit exit) {
        switch (exit.reason()) {
            case PRIVILEGED_INSTRUCTION, HALT -> vm.counters().event(CoreEvent.TRAP_AND_EMULATE);
            case IO_ACCESS -> {
                vm.counters().event(CoreEvent.TRAP_AND_EMULATE);
                vm.counters().event(CoreEvent.DEVICE_EMULATION);
            }
            case EXCEPTION, SOFTWARE_INTERRUPT -> vm.counters().event(CoreEvent.REFLECTION);
            default -> throw new IllegalArgumentException("not an exit of trap-and-emulate: " + exit);
        }
        handler.handle(vm, exit);
    }
}
