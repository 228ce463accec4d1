package org.vmlab.vmm;

import org.vmlab.machine.Cpu;
import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.Trap;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Vector;

/**
 * A test double of CPU virtualization: trap-and-emulate in miniature. (The real techniques live in
 * cpu-module, which vmm-core's tests cannot see; this mirrors its {@code DirectExecution} and
 * {@code TrapAndEmulate}.)
 *
 * <p>The guest runs directly on the real CPU for its budget, and what stops it becomes an exit.
 * Of the privileged instructions the guest kernel may use, only {@code sti}, {@code cli} and
 * {@code hlt} are emulated: enough for test programs that take interrupts and power off. Every
 * other trap is reflected into the guest through {@link VirtualMachine#traps()}, as bare metal
 * would deliver it, so any other privileged instruction ends in the guest's own #GP handler.
 */
final class DirectCpu implements CpuVirtualization {
    private final boolean cliClearsIf;

    private DirectCpu(boolean cliClearsIf) {
        this.cliClearsIf = cliClearsIf;
    }

    /** Emulates sti, cli and hlt as bare metal runs them in ring 0. */
    static DirectCpu faithful() {
        return new DirectCpu(true);
    }

    /** Deliberately wrong: {@code cli} retires but leaves the virtual IF as it was. */
    static DirectCpu ignoringCli() {
        return new DirectCpu(false);
    }

    @Override
    public String name() {
        return cliClearsIf ? "direct-test-double" : "cli-ignoring-test-double";
    }

    @Override
    public Exit run(VirtualMachine vm, long budget) {
        Cpu cpu = vm.host().cpu();
        long before = cpu.instructions();
        StopReason stop = cpu.run(before + budget);
        vm.vcpu().retireDirectly(cpu.instructions() - before);
        if (stop == StopReason.FUEL_EXHAUSTED) {
            return new Exit.Timer(cpu.pc());
        }
        if (stop != StopReason.TRAP) {
            throw new IllegalStateException("the guest stopped the real machine: " + stop);
        }
        Trap trap = cpu.lastTrap();
        return switch (trap.kind()) {
            case SOFTWARE_INTERRUPT -> new Exit.SoftwareInterrupt(trap.pc(), trap.vector());
            case INTERRUPT -> new Exit.ExternalInterrupt(trap.pc(), trap.vector());
            case FAULT -> trap.vector() == Vector.PAGE_FAULT
                    ? new Exit.PageFault(trap.pc(), trap.address(), trap.errorCode())
                    : exceptionOrEmulated(vm, trap);
        };
    }

    /** A #GP of the guest kernel on sti, cli or hlt is this double's to emulate; anything else the guest's. */
    private static Exit exceptionOrEmulated(VirtualMachine vm, Trap trap) {
        if (trap.vector() == Vector.GENERAL_PROTECTION && vm.vcpu().virtualRing() == 0) {
            Instruction insn = instructionAt(vm, trap.pc());
            if (insn != null && (insn.opcode() == Opcode.STI || insn.opcode() == Opcode.CLI
                    || insn.opcode() == Opcode.HLT)) {
                return new Exit.PrivilegedInstruction(trap.pc(), insn);
            }
        }
        return new Exit.GuestException(trap.pc(), trap.vector(), trap.errorCode());
    }

    private static Instruction instructionAt(VirtualMachine vm, int pc) {
        try {
            return Instruction.decode(vm.guestMemory().fetch(pc));
        } catch (Fault f) {
            return null;
        }
    }

    @Override
    public void attach(VirtualMachine vm) {
        ExitHandlers exits = vm.exitHandlers();
        exits.register(Exit.PrivilegedInstruction.class, name(), (v, exit) -> emulate(v.vcpu(), exit));
        exits.register(Exit.GuestException.class, name(),
                (v, exit) -> v.traps().deliver(exit.vector(), exit.errorCode(), exit.pc()));
        exits.register(Exit.SoftwareInterrupt.class, name(),
                (v, exit) -> v.traps().softwareInterrupt(exit.vector(), exit.pc()));
    }

    private void emulate(Vcpu vcpu, Exit.PrivilegedInstruction exit) {
        Opcode op = exit.instruction().opcode();
        switch (op) {
            case STI -> vcpu.setVirtualInterruptsEnabled(true);
            case CLI -> {
                if (cliClearsIf) {
                    vcpu.setVirtualInterruptsEnabled(false);
                }
            }
            case HLT -> {
                if (vcpu.virtualInterruptsEnabled()) {
                    vcpu.startWaiting();
                } else {
                    vcpu.stop(StopReason.HALT, String.format("hlt at pc=0x%08x with interrupts disabled", exit.pc()));
                }
            }
            default -> throw new IllegalArgumentException("not emulated: " + op);
        }
        vcpu.setPc(exit.pc() + 4);
        vcpu.retire(1);
        if (op == Opcode.STI) {
            vcpu.blockInterruptsForOneInstruction();
        }
    }
}
