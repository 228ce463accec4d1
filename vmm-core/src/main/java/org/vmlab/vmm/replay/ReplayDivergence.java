package org.vmlab.vmm.replay;

/**
 * A replay left the recorded run: it asked for input the log lacks, sent other output than the
 * recorded, or ended otherwise than the recording did. Not the guest's fault, and never thrown at
 * a run that is not a replay.
 */
public final class ReplayDivergence extends RuntimeException {
    public ReplayDivergence(String message) {
        super(message, null, false, false);
    }
}
