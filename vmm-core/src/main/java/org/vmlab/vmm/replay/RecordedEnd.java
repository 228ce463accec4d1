package org.vmlab.vmm.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;

/**
 * How a recorded run ended, for a replay to check that it reproduced the run.
 *
 * @param instructions      guest instructions retired
 * @param ticks             guest ticks elapsed
 * @param stopReason        why it ended
 * @param observablesDigest {@link Digests#observables} of what it left
 */
public record RecordedEnd(long instructions, long ticks, StopReason stopReason, String observablesDigest) {
    public RecordedEnd {
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(observablesDigest, "observablesDigest");
        if (instructions < 0 || ticks < instructions) {
            throw new IllegalArgumentException("a run of " + instructions + " instructions in " + ticks
                    + " ticks cannot be");
        }
    }

    /** The end of {@code run}. */
    public static RecordedEnd of(RunResult run) {
        return new RecordedEnd(run.instructions(), run.ticks(), run.stopReason(),
                Digests.observables(run.observables()));
    }

    /** How {@code replay} ended otherwise than this, one line per difference; empty if it reproduced the run. */
    public List<String> differences(RunResult replay) {
        RecordedEnd other = of(replay);
        List<String> d = new ArrayList<>();
        if (other.instructions != instructions) {
            d.add(String.format("instructions: recorded %,d, replayed %,d", instructions, other.instructions));
        }
        if (other.ticks != ticks) {
            d.add(String.format("ticks: recorded %,d, replayed %,d", ticks, other.ticks));
        }
        if (other.stopReason != stopReason) {
            d.add("stop reason: recorded " + stopReason + ", replayed " + other.stopReason);
        }
        if (!other.observablesDigest.equals(observablesDigest)) {
            d.add("observables (console, disk, network, memory, registers): recorded sha256 "
                    + abbreviated(observablesDigest) + ", replayed " + abbreviated(other.observablesDigest));
        }
        return d;
    }

    private static String abbreviated(String digest) {
        return digest.length() > 12 ? digest.substring(0, 12) + "..." : digest;
    }
}
