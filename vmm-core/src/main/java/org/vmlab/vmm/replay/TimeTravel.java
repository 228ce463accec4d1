package org.vmlab.vmm.replay;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.vmm.LockstepSide;

/**
 * Travel in a recorded run: to any instruction, forward and back. Forward runs on from where the
 * replay stands; back replays from the start, on a fresh side, to the instruction asked for: the
 * machine is deterministic and the inputs come from the log, so every replay retraces the recorded
 * run exactly (King, Dunlap and Chen's time-traveling virtual machines, USENIX ATC 2005, go back
 * from the nearest checkpoint; this one's only checkpoint is the start).
 *
 * <p>A side pauses exactly after the instruction asked for ({@link LockstepSide#run}): position
 * N is the state after N guest instructions retired, before anything due at the next one (an
 * interrupt) is delivered. The last {@link #HISTORY} instructions before it are run one at a time,
 * to show what the guest just did.
 */
public final class TimeTravel {
    /** How many instructions before the position a replay shows. */
    public static final int HISTORY = 8;

    private final Supplier<? extends LockstepSide> start;
    private final long end;
    private LockstepSide side;
    private final Deque<Executed> recent = new ArrayDeque<>();
    private long replays;
    private long executed;

    /**
     * @param start a fresh side at the recording's start, booted, its inputs from the log, each time asked
     * @param end   the instructions the recorded run retired: the farthest position
     */
    public TimeTravel(Supplier<? extends LockstepSide> start, long end) {
        this.start = start;
        this.end = end;
    }

    /** The farthest position: the recorded run's instruction count. */
    public long end() {
        return end;
    }

    /** Replays begun from the start so far. */
    public long replays() {
        return replays;
    }

    /** Guest instructions run in all, over every replay. */
    public long instructionsExecuted() {
        return executed;
    }

    /**
     * The state after {@code n} instructions of the recorded run.
     *
     * @throws IllegalArgumentException if {@code n} is outside 0..{@link #end()}
     * @throws ReplayDivergence         if the replay left the recorded run on the way
     */
    public Position to(long n) {
        if (n < 0 || n > end) {
            throw new IllegalArgumentException(String.format("instruction %,d is outside the recorded run,"
                    + " which retired %,d instructions (0..%,d)", n, end, end));
        }
        if (side == null || n < side.instructions()) {
            restart();
        }
        try {
            long bulk = n - HISTORY - side.instructions();
            if (bulk > 0) {
                run(bulk);
                recent.clear();
            }
            while (side.instructions() < n && !side.stopped()) {
                int pc = side.pc();
                Executed e = new Executed(side.instructions() + 1, pc, side.instructionAt(pc), side.symbols().describe(pc));
                run(1);
                recent.addLast(e);
                while (recent.size() > HISTORY) {
                    recent.removeFirst();
                }
            }
        } catch (ReplayDivergence e) {
            LockstepSide broken = side;
            discard();
            int pc = broken.pc();
            throw new ReplayDivergence(String.format("%s, at instruction %,d, pc=0x%08x (%s)", e.getMessage(),
                    broken.instructions(), pc, broken.symbols().describe(pc)));
        }
        if (side.instructions() < n) {
            long at = side.instructions();
            StopReason why = side.stopReason();
            discard();
            throw new ReplayDivergence(String.format("the replay stopped (%s) at instruction %,d, before %,d:"
                    + " it did not retrace the recorded run", why, at, n));
        }
        return here();
    }

    /** {@code k} instructions forward. */
    public Position step(long k) {
        return to(position() + k);
    }

    /** {@code k} instructions back: a replay from the start. */
    public Position back(long k) {
        return to(position() - k);
    }

    /** Where the replay stands (0 before the first move). */
    public long position() {
        return side == null ? 0 : side.instructions();
    }

    /** The state where the replay stands. */
    public Position here() {
        if (side == null) {
            to(0);
        }
        int pc = side.pc();
        RunResult sofar = side.result();
        return new Position(side.instructions(), sofar.ticks(), pc, side.instructionAt(pc), side.symbols().describe(pc),
                side.state(), side.stopped() ? side.stopReason() : null, List.copyOf(recent));
    }

    /** The word at guest-physical {@code address} where the replay stands. */
    public int memoryWord(int address) {
        if (side == null) {
            to(0);
        }
        return side.memoryWord(address);
    }

    /** The guest's memory size in bytes. */
    public int memoryBytes() {
        if (side == null) {
            to(0);
        }
        return side.memoryBytes();
    }

    /**
     * Replays the whole run from the start and says what it did: to check a replay against the
     * recorded end ({@link RecordedEnd#differences}).
     */
    public RunResult runToTheEnd() {
        restart();
        try {
            while (!side.stopped()) {
                run(Math.max(1, side.fuel() - side.instructions()));
            }
        } catch (ReplayDivergence e) {
            int pc = side.pc();
            String where = String.format("%s, at instruction %,d, pc=0x%08x (%s)", e.getMessage(),
                    side.instructions(), pc, side.symbols().describe(pc));
            discard();
            throw new ReplayDivergence(where);
        }
        recent.clear();
        return side.result();
    }

    /** Leaves the replay: the side's VM, if any, is switched out. */
    public void close() {
        discard();
    }

    private void run(long instructions) {
        long before = side.instructions();
        try {
            side.run(instructions);
        } finally {
            executed += side.instructions() - before;
        }
    }

    private void restart() {
        discard();
        side = start.get();
        side.begin();
        replays++;
    }

    private void discard() {
        if (side != null) {
            LockstepSide s = side;
            side = null;
            recent.clear();
            try {
                s.end();
            } catch (RuntimeException ignored) {
                // a side broken by a divergence is thrown away whatever state it is in
            }
        }
    }

    /**
     * An instruction the replay ran.
     *
     * @param instruction its number: the count of instructions retired once it has
     * @param pc          its address
     * @param text        disassembled
     * @param symbol      where it is, by the program's symbols
     */
    public record Executed(long instruction, int pc, String text, String symbol) {
    }

    /**
     * The state at a position.
     *
     * @param instructions guest instructions retired
     * @param ticks        guest ticks elapsed
     * @param pc           the next instruction's address
     * @param text         the next instruction, disassembled
     * @param symbol       where it is
     * @param state        the processor's state
     * @param stopped      why the guest stopped there for good, or null if it would go on
     * @param recent       the instructions just before, oldest first (up to {@link #HISTORY})
     */
    public record Position(long instructions, long ticks, int pc, String text, String symbol, CpuSnapshot state,
            StopReason stopped, List<Executed> recent) {
    }
}
