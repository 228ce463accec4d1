package org.vmlab.vmm.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vmlab.machine.device.Frame;
import org.vmlab.machine.device.NetworkPeer;

/**
 * A network peer that answers as the peer it wraps and writes down every answer: the input log's
 * network part. The network interface asks its peer once per frame it puts on the wire, in order,
 * so the n-th answer belongs to the n-th frame sent ({@link #exchanges(List)} pairs them with the
 * ticks the run's frames record).
 */
public final class RecordingPeer implements NetworkPeer {
    private final NetworkPeer peer;
    private final List<String> sentDigests = new ArrayList<>();
    private final List<List<Reply>> answers = new ArrayList<>();

    /** Records what {@code peer} answers. */
    public RecordingPeer(NetworkPeer peer) {
        this.peer = Objects.requireNonNull(peer, "peer");
    }

    @Override
    public List<Reply> answer(byte[] frame) {
        List<Reply> replies = List.copyOf(peer.answer(frame.clone()));
        sentDigests.add(Digests.sha256(frame));
        answers.add(replies);
        return replies;
    }

    /** How many frames the peer has answered so far. */
    public int answered() {
        return answers.size();
    }

    /**
     * The exchanges of the run, given its frames ({@code RunResult.observables().frames()}): each
     * frame the guest sent, with the tick it left at, and each answer with the tick it arrived at
     * (that tick plus the answer's delay), whether or not the guest had a buffer to take it.
     *
     * @throws IllegalArgumentException if {@code frames} holds another number of sent frames than the
     *                                  peer answered (they are not this run's)
     */
    public List<InputLog.Exchange> exchanges(List<Frame> frames) {
        List<Frame> sent = frames.stream().filter(f -> f.direction() == Frame.Direction.SENT).toList();
        if (sent.size() != answers.size()) {
            throw new IllegalArgumentException("the run sent " + sent.size() + " frames, the peer answered "
                    + answers.size());
        }
        List<InputLog.Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            long tick = sent.get(i).tick();
            List<InputLog.Delivery> deliveries = new ArrayList<>();
            for (Reply r : answers.get(i)) {
                deliveries.add(new InputLog.Delivery(tick + r.delay(), r.bytes()));
            }
            exchanges.add(new InputLog.Exchange(tick, sentDigests.get(i), deliveries));
        }
        return exchanges;
    }
}
