package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.Machine;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;

/**
 * Runs a guest on two sides side by side, one instruction at a time, and finds the first guest
 * instruction after which their processor states differ. Where {@link Equivalence} says
 * <em>that</em> a run diverged, this says <em>where</em>: the instruction, and both states.
 *
 * <p>The sides are {@link LockstepSide}s: a reference, and a candidate held to it. The labs'
 * comparison is bare metal against a VM ({@link #run(Machine, VirtualMachine)}); two machines,
 * two engines, or a VM against its migrated copy compare the same way.
 *
 * <p>Both sides must start from the same program in the same state. Each step retires exactly one
 * guest instruction on each side (delivering any interrupt that is due first, as both loops do),
 * so the two stay aligned instruction for instruction as long as the candidate is faithful.
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
     * @param nativeState  the state on the reference side (bare metal) after it
     * @param virtualState the state on the candidate side (the VM) after it
     * @param differences  what differs, one line per field
     * @param reference    how the reports name the reference side ("bare metal")
     */
    public record Divergence(long instruction, int pc, String text, String symbol, CpuSnapshot nativeState,
            CpuSnapshot virtualState, List<String> differences, String reference) {
        /** The report a student reads: where, what, and how the two states differ. */
        public String describe() {
            return String.format("guest diverged from %s at instruction %,d, pc=0x%08x (%s) `%s`: %s",
                    reference, instruction, pc, symbol, text, String.join("; ", differences));
        }
    }

    /**
     * What a lockstep run found.
     *
     * @param divergence the first instruction after which the processor states differ, if any
     * @param memory     where memory first differs at the end, when no instruction diverged: the
     *                   processor states can agree all the way while a write went astray
     * @param nativeRun  the reference side's run (bare metal's), as far as the comparison went
     * @param virtualRun the candidate side's run (the VM's), as far as the comparison went
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
        return run(LockstepSide.of(bare), LockstepSide.of(vm));
    }

    /**
     * Runs {@code candidate} against {@code reference} in lockstep until one of them stops, or
     * until they diverge; at the end, compares their memory too.
     */
    public static Outcome run(LockstepSide reference, LockstepSide candidate) {
        reference.begin();
        candidate.begin();
        try {
            while (true) {
                int pc = reference.pc();
                String text = reference.instructionAt(pc);
                reference.run(1);
                candidate.run(1);
                boolean referenceStopped = reference.stopped();
                List<String> differences = stoppedAlone(reference, candidate, referenceStopped);
                differences.addAll(stateDifferences(reference, candidate));
                if (!differences.isEmpty()) {
                    Divergence d = new Divergence(reference.instructions(), pc, text, reference.symbols().describe(pc),
                            reference.state(), candidate.state(), differences, reference.name());
                    return new Outcome(Optional.of(d), Optional.empty(), reference.result(), candidate.result());
                }
                if (referenceStopped || candidate.stopped()) {
                    return ended(reference, candidate);
                }
            }
        } finally {
            candidate.end();
            reference.end();
        }
    }

    /** Two sides at the same start, the reference and the candidate held to it; made fresh for each replay. */
    public interface Pair {
        LockstepSide reference();

        LockstepSide candidate();

        /** The two sides given. */
        static Pair of(LockstepSide reference, LockstepSide candidate) {
            return new Given(reference, candidate);
        }
    }

    private record Given(LockstepSide reference, LockstepSide candidate) implements Pair {
    }

    /**
     * One guest at its start on both sides: on bare metal and in a VM whose hypervisor runs no
     * other VM. {@link #runInSlices} asks for fresh pairs to replay a run up to a point.
     */
    public record Sides(Machine bare, VirtualMachine vm) implements Pair {
        @Override
        public LockstepSide reference() {
            return LockstepSide.of(bare);
        }

        @Override
        public LockstepSide candidate() {
            return LockstepSide.of(vm);
        }
    }

    /**
     * Runs the guest side by side as a VMM runs, a slice of up to {@code slice} instructions at a
     * time, and compares the two states at the end of every slice: what only shows when the guest
     * runs many instructions between two visits of the VMM (binary translation's units and
     * chains, device time read late) is seen here, where {@link #run} gives the VMM control after
     * every instruction. The candidate runs its slice first; the reference follows to the same
     * instruction.
     *
     * <p>When a slice ends diverged, the run is replayed from {@code start} (the machine is
     * deterministic, so a replay retraces it exactly) and the slice run again, shorter each time,
     * to find the fewest instructions that a slice from the same point must run to diverge; the
     * divergence names the last of them. Each replay is a whole run up to that slice, about ten
     * replays for a slice of a thousand.
     */
    public static Outcome runInSlices(Supplier<? extends Pair> start, long slice) {
        Pair pair = start.get();
        LockstepSide reference = pair.reference();
        LockstepSide candidate = pair.candidate();
        reference.begin();
        candidate.begin();
        try {
            while (true) {
                long from = candidate.instructions();
                SliceEnd end = slice(reference, candidate, slice, from);
                if (end.divergence().isPresent()) {
                    Divergence named = narrowed(start, slice, from).orElse(end.divergence().get());
                    return new Outcome(Optional.of(named), Optional.empty(), reference.result(), candidate.result());
                }
                if (end.referenceStopped() || candidate.stopped()) {
                    return ended(reference, candidate);
                }
            }
        } finally {
            candidate.end();
            reference.end();
        }
    }

    /**
     * How a slice ended: whether the reference stopped for good (rather than paused at the
     * slice's end), and the divergence if the states differ.
     */
    private record SliceEnd(boolean referenceStopped, Optional<Divergence> divergence) {
    }

    /**
     * Runs one slice of up to {@code length} instructions on the candidate, the reference to the
     * same instruction, and compares; the divergence names the slice's last instruction.
     */
    private static SliceEnd slice(LockstepSide reference, LockstepSide candidate, long length, long from) {
        int first = candidate.pc();
        candidate.run(length);
        long to = candidate.instructions();
        long fuel = reference.fuel();
        // The reference stops one instruction short first, to name the instruction that ends the slice.
        if (to > from && to - 1 <= fuel) {
            reference.run(to - 1 - reference.instructions());
        }
        int pc = reference.pc();
        String text = reference.instructionAt(pc);
        // A candidate whose fuel ran out in traps in a row after instruction `to` stopped before
        // retiring the next one: the reference goes as far, where the same traps stop it.
        long until = candidate.stopped() && candidate.stopReason() == StopReason.FUEL_EXHAUSTED && to < fuel
                ? to + 1 : to;
        reference.run(until - reference.instructions());
        boolean referenceStopped = reference.stopped();
        List<String> differences = stoppedAlone(reference, candidate, referenceStopped);
        if (reference.instructions() != to) {
            differences.add(String.format("instructions retired: %s %,d, %s %,d", reference.label(),
                    reference.instructions(), candidate.label(), to));
        }
        differences.addAll(stateDifferences(reference, candidate));
        if (differences.isEmpty()) {
            return new SliceEnd(referenceStopped, Optional.empty());
        }
        differences.add(0, String.format("at the end of a slice of %,d instructions that began at instruction %,d,"
                + " pc=0x%08x (%s)", to - from, from, first, reference.symbols().describe(first)));
        return new SliceEnd(referenceStopped, Optional.of(new Divergence(to, pc, text,
                reference.symbols().describe(pc), reference.state(), candidate.state(), differences,
                reference.name())));
    }

    /**
     * The slice from instruction {@code from} diverged when it ran {@code slice} instructions:
     * bisects, on fresh replays, for the shortest slice from there that still diverges (one that
     * runs a single instruction fewer does not), and returns its divergence.
     */
    private static Optional<Divergence> narrowed(Supplier<? extends Pair> start, long slice, long from) {
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
    private static Optional<Divergence> replayed(Supplier<? extends Pair> start, long slice, long from, long length) {
        Pair pair = start.get();
        LockstepSide reference = pair.reference();
        LockstepSide candidate = pair.candidate();
        reference.begin();
        candidate.begin();
        try {
            while (candidate.instructions() < from && !candidate.stopped()) {
                candidate.run(slice);
            }
            reference.run(candidate.instructions() - reference.instructions());
            return slice(reference, candidate, length, from).divergence();
        } finally {
            candidate.end();
            reference.end();
        }
    }

    private static List<String> stateDifferences(LockstepSide reference, LockstepSide candidate) {
        return StateDifference.between(reference.state(), reference.label(), candidate.state(), candidate.label());
    }

    /**
     * When the candidate stopped and the reference went on, the first difference to report, as
     * a modifiable list that the state differences join; else an empty one.
     */
    private static List<String> stoppedAlone(LockstepSide reference, LockstepSide candidate, boolean referenceStopped) {
        List<String> differences = new ArrayList<>();
        if (candidate.stopped() && !referenceStopped) {
            RunResult stopped = candidate.result();
            differences.add(candidate.name() + " stopped (" + stopped.stopReason()
                    + (stopped.stopDetail().isEmpty() ? "" : ": " + stopped.stopDetail())
                    + ") where " + reference.name() + " went on");
        }
        return differences;
    }

    /** Both runs ended with no divergence: their results, and memory compared at the end. */
    private static Outcome ended(LockstepSide reference, LockstepSide candidate) {
        RunResult referenceRun = reference.result();
        RunResult candidateRun = candidate.result();
        Optional<MemoryDifference> memory = referenceRun.observables().memoryDigest()
                .equals(candidateRun.observables().memoryDigest()) ? Optional.empty()
                : MemoryDifference.first(reference, candidate);
        return new Outcome(Optional.empty(), memory, referenceRun, candidateRun);
    }
}
