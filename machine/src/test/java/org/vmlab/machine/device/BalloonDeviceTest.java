package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * The memory balloon: the host sets a target, the guest's driver gives frames back through
 * INFLATE and takes them back through DEFLATE; the device keeps the set of frames given back and
 * refuses, with a status and a count, whatever does not fit it.
 */
class BalloonDeviceTest {
    private final BalloonDevice balloon = new BalloonDevice(16, 0);
    private final IoBus io = new IoBus();

    BalloonDeviceTest() {
        io.attach(BalloonDevice.BASE, BalloonDevice.PORTS, balloon);
    }

    private int in(int port) {
        return io.in(BalloonDevice.BASE + port);
    }

    private void out(int port, int value) {
        io.out(BalloonDevice.BASE + port, value);
    }

    @Test
    void theDriverReadsTheTargetTheHostSets() {
        assertThat(in(BalloonDevice.TARGET_PORT)).isZero();
        balloon.setTarget(3);
        assertThat(in(BalloonDevice.TARGET_PORT)).isEqualTo(3);
        out(BalloonDevice.TARGET_PORT, 9);   // the guest cannot set it
        assertThat(balloon.target()).isEqualTo(3);
    }

    @Test
    void inflatingGivesFramesBackAndDeflatingTakesThemBack() {
        out(BalloonDevice.INFLATE_PORT, 5);
        out(BalloonDevice.INFLATE_PORT, 7);
        assertThat(in(BalloonDevice.SIZE_PORT)).isEqualTo(2);
        assertThat(in(BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.ACCEPTED);
        assertThat(balloon.isGivenBack(5)).isTrue();
        out(BalloonDevice.DEFLATE_PORT, 5);
        assertThat(in(BalloonDevice.SIZE_PORT)).isEqualTo(1);
        assertThat(balloon.isGivenBack(5)).isFalse();
        assertThat(balloon.rejected()).isZero();
    }

    @Test
    void framesThatAreNotRamOrInTheWrongStateAreRefusedAndCounted() {
        out(BalloonDevice.INFLATE_PORT, 16);
        assertThat(in(BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.NOT_RAM);
        out(BalloonDevice.INFLATE_PORT, -1);
        assertThat(in(BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.NOT_RAM);
        out(BalloonDevice.DEFLATE_PORT, 3);
        assertThat(in(BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.WRONG_STATE);
        out(BalloonDevice.INFLATE_PORT, 3);
        out(BalloonDevice.INFLATE_PORT, 3);
        assertThat(in(BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.WRONG_STATE);
        assertThat(balloon.rejected()).isEqualTo(4);
        assertThat(balloon.size()).isEqualTo(1);
    }

    @Test
    void theHostHearsOnlyWhatTheDeviceAcceptedAndMayRefuse() {
        List<String> heard = new ArrayList<>();
        balloon.setHost(new BalloonDevice.Host() {
            @Override
            public boolean inflate(int frame) {
                heard.add("inflate " + frame);
                return frame != 9;
            }

            @Override
            public boolean deflate(int frame) {
                heard.add("deflate " + frame);
                return true;
            }
        });
        out(BalloonDevice.INFLATE_PORT, 2);
        out(BalloonDevice.INFLATE_PORT, 2);
        out(BalloonDevice.INFLATE_PORT, 99);
        out(BalloonDevice.INFLATE_PORT, 9);
        assertThat(in(BalloonDevice.STATUS_PORT)).isEqualTo(BalloonDevice.REFUSED);
        out(BalloonDevice.DEFLATE_PORT, 2);
        assertThat(heard).containsExactly("inflate 2", "inflate 9", "deflate 2");
        assertThat(balloon.size()).isZero();
        assertThat(balloon.rejected()).isEqualTo(3);
    }

    @Test
    void itsStateIsAValueThatRestores() {
        balloon.setTarget(4);
        out(BalloonDevice.INFLATE_PORT, 1);
        out(BalloonDevice.INFLATE_PORT, 12);
        out(BalloonDevice.INFLATE_PORT, 40);
        BalloonDevice.State state = balloon.state();
        BalloonDevice other = new BalloonDevice(16, 0);
        other.restore(state);
        assertThat(other.state()).isEqualTo(state);
        assertThat(state.givenBack()).containsExactly(1, 12);
        assertThat(state.status()).isEqualTo(BalloonDevice.NOT_RAM);
        assertThatThrownBy(() -> new BalloonDevice(8, 0).restore(state))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not RAM");
    }

    @Test
    void aBoardsBalloonKnowsItsRamAndTheConfiguredTarget() {
        Board board = new Board(new BoundedDma(new PhysicalMemory(64 * 1024), "RAM"),
                DeviceConfig.defaults().withBalloonTarget(2));
        BalloonDevice b = board.standard().balloon();
        assertThat(b.ramFrames()).isEqualTo(16);
        assertThat(board.io().in(BalloonDevice.BASE + BalloonDevice.TARGET_PORT)).isEqualTo(2);
        assertThat(Set.of(board.state().balloon().target())).containsExactly(2);
    }

    @Test
    void aNegativeTargetIsRefused() {
        assertThatThrownBy(() -> DeviceConfig.defaults().withBalloonTarget(-1))
                .hasMessageContaining("balloon target");
        assertThatThrownBy(() -> balloon.setTarget(-1)).hasMessageContaining("balloon target");
    }
}
