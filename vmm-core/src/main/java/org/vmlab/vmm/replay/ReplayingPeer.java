package org.vmlab.vmm.replay;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.device.NetworkPeer;

/**
 * The network peer of a replay: it computes nothing, it plays the input log back. The n-th frame
 * the guest sends gets the n-th exchange's frames, each arriving at the tick the log says (its
 * delay is the logged arrival tick minus the logged departure). A guest that sends a frame the
 * log does not hold, or another frame than the recorded one, has left the recorded run: the peer
 * throws {@link ReplayDivergence}, and the replay names the instruction.
 */
public final class ReplayingPeer implements NetworkPeer {
    private final List<InputLog.Exchange> exchanges;
    private int next;

    /** Plays {@code exchanges} back, from the first. */
    public ReplayingPeer(List<InputLog.Exchange> exchanges) {
        this.exchanges = List.copyOf(exchanges);
    }

    @Override
    public List<Reply> answer(byte[] frame) {
        int index = next++;
        if (index >= exchanges.size()) {
            throw new ReplayDivergence(String.format("the guest sent network frame #%d, but the recording"
                    + " holds the peer's answers to %d frames only: input the log lacks", index + 1, exchanges.size()));
        }
        InputLog.Exchange exchange = exchanges.get(index);
        String digest = Digests.sha256(frame);
        if (!digest.equals(exchange.sentDigest())) {
            throw new ReplayDivergence(String.format("the guest sent network frame #%d (%d bytes, sha256 %s...),"
                    + " not the recorded one (sha256 %s...)", index + 1, frame.length, digest.substring(0, 12),
                    exchange.sentDigest().substring(0, Math.min(12, exchange.sentDigest().length()))));
        }
        List<Reply> replies = new ArrayList<>();
        for (InputLog.Delivery d : exchange.deliveries()) {
            replies.add(new Reply(d.tick() - exchange.sentTick(), d.bytes()));
        }
        return replies;
    }

    /** How many of the log's exchanges the replay has used so far. */
    public int used() {
        return next;
    }
}
