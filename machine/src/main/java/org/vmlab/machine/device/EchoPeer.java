package org.vmlab.machine.device;

import java.util.List;

/**
 * The default peer: it sends every frame straight back, {@link #DELAY} ticks later. Enough for a
 * guest to test its send and receive paths against a known answer.
 */
public final class EchoPeer implements NetworkPeer {
    /** Ticks between a frame leaving and its echo arriving. */
    public static final long DELAY = 2000;

    @Override
    public List<Reply> answer(byte[] frame) {
        return List.of(new Reply(DELAY, frame));
    }
}
