package org.vmlab.vmm.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.device.EchoPeer;
import org.vmlab.machine.device.Frame;
import org.vmlab.machine.device.NetworkPeer;

/**
 * The recording peer writes down what its peer answered and when it arrived; the replaying peer
 * answers the same from the log alone, and refuses a frame the log does not hold.
 */
class PeersTest {
    private static final byte[] HELLO = {'h', 'e', 'l', 'l', 'o'};
    private static final byte[] WORLD = {'w', 'o', 'r', 'l', 'd'};

    @Test
    void theRecordingPeerLogsEachAnswerWithTheTickItArrives() {
        RecordingPeer recorder = new RecordingPeer(new EchoPeer());

        List<NetworkPeer.Reply> replies = recorder.answer(HELLO);
        recorder.answer(WORLD);
        List<InputLog.Exchange> log = recorder.exchanges(List.of(new Frame(100, Frame.Direction.SENT, HELLO),
                new Frame(2100, Frame.Direction.RECEIVED, HELLO), new Frame(700, Frame.Direction.SENT, WORLD)));

        assertThat(replies).singleElement().satisfies(r -> assertThat(r.bytes()).isEqualTo(HELLO));
        assertThat(log).extracting(InputLog.Exchange::sentTick).containsExactly(100L, 700L);
        assertThat(log.get(1).deliveries()).containsExactly(new InputLog.Delivery(700 + EchoPeer.DELAY, WORLD));
        assertThat(log.get(0).sentDigest()).isEqualTo(Digests.sha256(HELLO));
        assertThatThrownBy(() -> recorder.exchanges(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theReplayingPeerAnswersFromTheLogAtTheLoggedTicks() {
        List<InputLog.Exchange> log = List.of(new InputLog.Exchange(100, Digests.sha256(HELLO),
                List.of(new InputLog.Delivery(150, WORLD), new InputLog.Delivery(900, HELLO))));
        ReplayingPeer player = new ReplayingPeer(log);

        List<NetworkPeer.Reply> replies = player.answer(HELLO);

        assertThat(replies).extracting(NetworkPeer.Reply::delay).containsExactly(50L, 800L);
        assertThat(replies.get(0).bytes()).isEqualTo(WORLD);
        assertThatThrownBy(() -> player.answer(HELLO)).isInstanceOf(ReplayDivergence.class)
                .hasMessageContaining("network frame #2").hasMessageContaining("input the log lacks");
    }

    @Test
    void theReplayingPeerRefusesAnotherFrameThanTheRecordedOne() {
        ReplayingPeer player = new ReplayingPeer(List.of(new InputLog.Exchange(0, Digests.sha256(HELLO), List.of())));

        assertThatThrownBy(() -> player.answer(WORLD)).isInstanceOf(ReplayDivergence.class)
                .hasMessageContaining("network frame #1 (5 bytes").hasMessageContaining("not the recorded one");
    }

    @Test
    void aFrameCannotArriveBeforeTheFrameItAnswers() {
        assertThatThrownBy(() -> new InputLog.Exchange(100, "x", List.of(new InputLog.Delivery(99, HELLO))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before the frame it answers");
    }
}
