package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
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
                long next = cpu.instructions() + 1;
                StopReason nativeStop = cpu.run(bare.config().fuel(), next);
                vm.runSlice(1);
                boolean nativeStopped = nativeStopped(bare, nativeStop, next);
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
     * One guest at its start on both sides: on bare metal and in a VM whose hypervisor runs no
     * other VM. {@link #runInSlices} asks for fresh pairs to replay a run up to a point.
     */
    public record Sides(Machine bare, VirtualMachine vm) {
    }

    /**
     * Runs the guest side by side as a VMM runs, a slice of up to {@code slice} instructions at a
     * time, and compares the two states at the end of every slice: what only shows when the guest
     * runs many instructions between two visits of the VMM (binary translation's units and
     * chains, device time read late) is seen here, where {@link #run} gives the VMM control after
     * every instruction.
     *
     * <p>When a slice ends diverged, the run is replayed from {@code start} (the machine is
     * deterministic, so a replay retraces it exactly) and the slice run again, shorter each time,
     * to find the fewest instructions that a slice from the same point must run to diverge; the
     * divergence names the last of them. Each replay is a whole run up to that slice, about ten
     * replays for a slice of a thousand.
     */
    public static Outcome runInSlices(Supplier<Sides> start, long slice) {
        Sides sides = start.get();
        Machine bare = sides.bare();
        VirtualMachine vm = sides.vm();
        vm.switchIn();
        try {
            while (true) {
                long from = vm.vcpu().instructions();
                SliceEnd end = slice(bare, vm, slice, from);
                if (end.divergence().isPresent()) {
                    Divergence named = narrowed(start, slice, from).orElse(end.divergence().get());
                    return new Outcome(Optional.of(named), Optional.empty(), bare.run(), vm.result());
                }
                if (end.nativeStopped() || vm.stopped()) {
                    return ended(bare, vm, end.nativeStop());
                }
            }
        } finally {
            vm.switchOut();
        }
    }

    /**
     * How a slice ended: bare metal's stop, whether bare metal stopped for good (rather than
     * paused at the slice's end), and the divergence if the states differ.
     */
    private record SliceEnd(StopReason nativeStop, boolean nativeStopped, Optional<Divergence> divergence) {
    }

    /**
     * Runs one slice of up to {@code length} instructions in the VM, bare metal to the same
     * instruction, and compares; the divergence names the slice's last instruction.
     */
    private static SliceEnd slice(Machine bare, VirtualMachine vm, long length, long from) {
        Cpu cpu = bare.cpu();
        int first = vm.vcpu().pc();
        vm.runSlice(length);
        long to = vm.vcpu().instructions();
        long fuel = bare.config().fuel();
        // Bare metal stops one instruction short first, to name the instruction that ends the slice.
        if (to > from && to - 1 <= fuel) {
            cpu.run(fuel, to - 1);
        }
        int pc = cpu.pc();
        String text = instructionAt(bare, pc, new Disassembler());
        // A VM whose fuel ran out in traps in a row after instruction `to` stopped before retiring
        // the next one: bare metal goes as far, where the same traps stop it.
        long until = vm.stopped() && vm.vcpu().stopReason() == StopReason.FUEL_EXHAUSTED && to < fuel
                ? to + 1 : to;
        StopReason nativeStop = cpu.run(fuel, until);
        boolean nativeStopped = nativeStopped(bare, nativeStop, until);
        List<String> differences = stoppedAlone(vm, nativeStopped);
        if (cpu.instructions() != to) {
            differences.add(String.format("instructions retired: native %,d, virtual %,d", cpu.instructions(), to));
        }
        differences.addAll(StateDifference.between(cpu.snapshot(), vm.vcpu().snapshot()));
        if (differences.isEmpty()) {
            return new SliceEnd(nativeStop, nativeStopped, Optional.empty());
        }
        differences.add(0, String.format("at the end of a slice of %,d instructions that began at instruction %,d,"
                + " pc=0x%08x (%s)", to - from, from, first, bare.symbols().describe(first)));
        return new SliceEnd(nativeStop, nativeStopped, Optional.of(new Divergence(to, pc, text, bare.symbols().describe(pc),
                cpu.snapshot(), vm.vcpu().snapshot(), differences)));
    }

    /**
     * The slice from instruction {@code from} diverged when it ran {@code slice} instructions:
     * bisects, on fresh replays, for the shortest slice from there that still diverges (one that
     * runs a single instruction fewer does not), and returns its divergence.
     */
    private static Optional<Divergence> narrowed(Supplier<Sides> start, long slice, long from) {
        long agrees = 0;
        long diverges = slice;
        Optional<Divergence> found = Optional.empty();
        while (diverges - agrees > 1) {
            long middle = agrees + (diverges - agrees) / 2;
            Optional<Divergence> d = replayed(start, slice, from, middle);
            if (d.isPresent()) {
                diverges = middle;
                found = d;
            } else {
                agrees = middle;
            }
        }
        return found;
    }

    /** Replays the run in slices up to instruction {@code from}, then one slice of {@code length}. */
    private static Optional<Divergence> replayed(Supplier<Sides> start, long slice, long from, long length) {
        Sides sides = start.get();
        Machine bare = sides.bare();
        VirtualMachine vm = sides.vm();
        vm.switchIn();
        try {
            while (vm.vcpu().instructions() < from && !vm.stopped()) {
                vm.runSlice(slice);
            }
            bare.cpu().run(bare.config().fuel(), vm.vcpu().instructions());
            return slice(bare, vm, length, from).divergence();
        } finally {
            vm.switchOut();
        }
    }

    /**
     * Whether bare metal, run with its fuel to pause at {@code until} instructions, stopped for
     * good: for a reason other than fuel, at the end of its fuel, or with fuel spent short of the
     * pause (by traps delivered in a row, docs/isa.md) rather than paused there.
     */
    private static boolean nativeStopped(Machine bare, StopReason nativeStop, long until) {
        long retired = bare.cpu().instructions();
        return nativeStop != StopReason.FUEL_EXHAUSTED || retired >= bare.config().fuel() || retired < until;
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
