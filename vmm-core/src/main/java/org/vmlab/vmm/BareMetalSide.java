package org.vmlab.vmm;

import org.vmlab.asm.Disassembler;
import org.vmlab.machine.Cpu;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.Fault;
import org.vmlab.machine.Machine;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.memory.Mmu;

/**
 * A bare machine as a side of a lockstep comparison: its processor runs with the machine's fuel
 * and pauses where the comparison asks ({@code Cpu.run(fuel, until)}).
 */
final class BareMetalSide implements LockstepSide {
    private final Machine machine;
    private final String name;
    private final String label;
    private final Disassembler disassembler = new Disassembler();
    private StopReason lastStop;
    private long until;

    BareMetalSide(Machine machine, String name, String label) {
        this.machine = machine;
        this.name = name;
        this.label = label;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void run(long instructions) {
        Cpu cpu = machine.cpu();
        until = cpu.instructions() + instructions;
        lastStop = cpu.run(fuel(), until);
    }

    @Override
    public long instructions() {
        return machine.cpu().instructions();
    }

    /**
     * Stopped for good: for a reason other than fuel, at the end of its fuel, or with fuel spent
     * short of the pause (by traps delivered in a row, docs/isa.md) rather than paused there.
     */
    @Override
    public boolean stopped() {
        if (lastStop == null) {
            return false;
        }
        long retired = instructions();
        return lastStop != StopReason.FUEL_EXHAUSTED || retired >= fuel() || retired < until;
    }

    @Override
    public StopReason stopReason() {
        return lastStop;
    }

    @Override
    public long fuel() {
        return machine.config().fuel();
    }

    @Override
    public int pc() {
        return machine.cpu().pc();
    }

    @Override
    public CpuSnapshot state() {
        return machine.cpu().snapshot();
    }

    @Override
    public RunResult result() {
        Cpu cpu = machine.cpu();
        StopReason reason = lastStop == null ? StopReason.FUEL_EXHAUSTED : lastStop;
        return new RunResult(reason, cpu.stopDetail(), machine.observables(), cpu.instructions(),
                cpu.ticks(), machine.cycles(), machine.counters());
    }

    @Override
    public String instructionAt(int pc) {
        try {
            int pa = machine.mmu().translate(pc, Mmu.FETCH, machine.cpu().cpl());
            if (!machine.mmu().isRam(pa)) {
                return "?";
            }
            return disassembler.disassemble(machine.memory().readWord(pa), pc, machine.symbols());
        } catch (Fault f) {
            return "?";
        }
    }

    @Override
    public SymbolTable symbols() {
        return machine.symbols();
    }

    @Override
    public int memoryBytes() {
        return machine.memory().size();
    }

    @Override
    public int memoryWord(int address) {
        return machine.memory().readWord(address);
    }
}
