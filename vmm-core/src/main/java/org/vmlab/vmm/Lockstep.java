package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.vmlab.asm.Disassembler;
import org.vmlab.machine.Cpu;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.Fault;
import org.vmlab.machine.Machine;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.memory.Mmu;

/**
 * Runs a guest on bare metal and in a VM side by side, one instruction at a time, and finds the
 * first guest instruction after which their processor states differ. Where {@link Equivalence}
 * says <em>that</em> a run diverged, this says <em>where</em>: the instruction, and both states.
 *
 * <p>Both sides must start from the same program in the same state. Each step retires exactly one
 * guest instruction on each side (delivering any interrupt that is due first, as both loops do),
 * so the two stay aligned instruction for instruction as long as the VMM is faithful.
 */
public final class Lockstep {
    private Lockstep() {
    }

    /**
     * The first difference.
     *
     * @param instruction  how many guest instructions had retired when the states differed
     * @param pc           the address of the instruction after which they differ
     * @param text         that instruction, disassembled
     * @param symbol       where it is, by the program's symbols
     * @param nativeState  the state on bare metal after it
     * @param virtualState the state in the VM after it
     * @param differences  what differs, one line per field
     */
    public record Divergence(long instruction, int pc, String text, String symbol, CpuSnapshot nativeState,
            CpuSnapshot virtualState, List<String> differences) {
        /** The report a student reads: where, what, and how the two states differ. */
        public String describe() {
            return String.format("guest diverged from bare metal at instruction %,d, pc=0x%08x (%s) `%s`: %s",
                    instruction, pc, symbol, text, String.join("; ", differences));
        }
    }

    /**
     * What a lockstep run found.
     *
     * @param divergence the first instruction after which the processor states differ, if any
     * @param memory     where memory first differs at the end, when no instruction diverged: the
     *                   processor states can agree all the way while a write went astray
     * @param nativeRun  bare metal's run
     * @param virtualRun the VM's run
     */
    public record Outcome(Optional<Divergence> divergence, Optional<MemoryDifference> memory,
                          RunResult nativeRun, RunResult virtualRun) {

        /** Whether the two runs ended the same, instruction by instruction and in memory. */
        public boolean agrees() {
            return divergence.isEmpty() && memory.isEmpty();
        }
    }

    /**
     * Runs {@code bare} and {@code vm} (whose hypervisor runs no other VM) in lockstep until one
     * of them stops, or until they diverge; at the end, compares their memory too.
     */
    public static Outcome run(Machine bare, VirtualMachine vm) {
        Cpu cpu = bare.cpu();
        Disassembler disassembler = new Disassembler();
        vm.switchIn();
        try {
            while (true) {
                int pc = cpu.pc();
                String text = instructionAt(bare, pc, disassembler);
                StopReason nativeStop = cpu.run(cpu.instructions() + 1);
                vm.runSlice(1);
                boolean nativeStopped = nativeStop != StopReason.FUEL_EXHAUSTED
                        || cpu.instructions() >= bare.config().fuel();
                List<String> differences = stoppedAlone(vm, nativeStopped);
                differences.addAll(StateDifference.between(cpu.snapshot(), vm.vcpu().snapshot()));
                if (!differences.isEmpty()) {
                    Divergence d = new Divergence(cpu.instructions(), pc, text, bare.symbols().describe(pc),
                            cpu.snapshot(),
                            vm.vcpu().snapshot(), differences);
                    return new Outcome(Optional.of(d), Optional.empty(), bare.run(), vm.result());
                }
                if (nativeStopped || vm.stopped()) {
                    return ended(bare, vm, nativeStop);
                }
            }
        } finally {
            vm.switchOut();
        }
    }

    /**
     * Runs {@code bare} and {@code vm} side by side as a VMM runs, a slice of up to
     * {@code slice} instructions at a time, and compares their states at the end of every slice:
     * what only shows when the guest runs many instructions between two visits of the VMM
     * (binary translation's units and chains, device time read late) is seen here, where
     * {@link #run} gives the VMM control after every instruction. A divergence names the slice:
     * its first instruction's pc and how many instructions it ran.
     */
    public static Outcome runInSlices(Machine bare, VirtualMachine vm, long slice) {
        Cpu cpu = bare.cpu();
        Disassembler disassembler = new Disassembler();
        vm.switchIn();
        try {
            while (true) {
                int pc = vm.vcpu().pc();
                long from = vm.vcpu().instructions();
                String text = instructionAt(bare, pc, disassembler);
                vm.runSlice(slice);
                long to = vm.vcpu().instructions();
                StopReason nativeStop = cpu.run(Math.min(to, bare.config().fuel()));
                boolean nativeStopped = nativeStop != StopReason.FUEL_EXHAUSTED
                        || cpu.instructions() >= bare.config().fuel();
                List<String> differences = stoppedAlone(vm, nativeStopped);
                if (cpu.instructions() != to) {
                    differences.add(String.format("instructions retired: native %,d, virtual %,d",
                            cpu.instructions(), to));
                }
                differences.addAll(StateDifference.between(cpu.snapshot(), vm.vcpu().snapshot()));
                if (!differences.isEmpty()) {
                    differences.add(0, String.format("in the slice of %,d instructions that began"
                            + " there", to - from));
                    Divergence d = new Divergence(to, pc, text, bare.symbols().describe(pc),
                            cpu.snapshot(), vm.vcpu().snapshot(), differences);
                    return new Outcome(Optional.of(d), Optional.empty(), bare.run(), vm.result());
                }
                if (nativeStopped || vm.stopped()) {
                    return ended(bare, vm, nativeStop);
                }
            }
        } finally {
            vm.switchOut();
        }
    }

    /**
     * When the VMM stopped the guest and bare metal went on, the first difference to report, as
     * a modifiable list that the state differences join; else an empty one.
     */
    private static List<String> stoppedAlone(VirtualMachine vm, boolean nativeStopped) {
        List<String> differences = new ArrayList<>();
        if (vm.stopped() && !nativeStopped) {
            RunResult stopped = vm.result();
            differences.add("the VM stopped (" + stopped.stopReason()
                    + (stopped.stopDetail().isEmpty() ? "" : ": " + stopped.stopDetail())
                    + ") where bare metal went on");
        }
        return differences;
    }

    /** Both runs ended with no divergence: their results, and memory compared at the end. */
    private static Outcome ended(Machine bare, VirtualMachine vm, StopReason nativeStop) {
        RunResult nativeRun = resultOf(bare, nativeStop);
        RunResult virtualRun = vm.result();
        Optional<MemoryDifference> memory = nativeRun.observables().memoryDigest()
                .equals(virtualRun.observables().memoryDigest()) ? Optional.empty()
                : MemoryDifference.first(bare, vm);
        return new Outcome(Optional.empty(), memory, nativeRun, virtualRun);
    }

    private static RunResult resultOf(Machine bare, StopReason stop) {
        Cpu cpu = bare.cpu();
        StopReason reason = stop == StopReason.FUEL_EXHAUSTED && cpu.instructions() < bare.config().fuel()
                ? StopReason.FUEL_EXHAUSTED : stop;
        return new RunResult(reason, cpu.stopDetail(), bare.observables(), cpu.instructions(),
                cpu.ticks(), bare.cycles(), bare.counters());
    }

    private static String instructionAt(Machine bare, int pc, Disassembler disassembler) {
        try {
            int pa = bare.mmu().translate(pc, Mmu.FETCH, bare.cpu().cpl());
            if (!bare.mmu().isRam(pa)) {
                return "?";
            }
            return disassembler.disassemble(bare.memory().readWord(pa), pc, bare.symbols());
        } catch (Fault f) {
            return "?";
        }
    }
}
