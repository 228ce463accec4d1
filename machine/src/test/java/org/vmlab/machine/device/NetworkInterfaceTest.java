package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vmlab.machine.device.NetworkInterface.CAUSE_RX;
import static org.vmlab.machine.device.NetworkInterface.CAUSE_TX_DONE;
import static org.vmlab.machine.device.NetworkInterface.ICR;
import static org.vmlab.machine.device.NetworkInterface.IMS;
import static org.vmlab.machine.device.NetworkInterface.RX_BASE;
import static org.vmlab.machine.device.NetworkInterface.RX_HEAD;
import static org.vmlab.machine.device.NetworkInterface.RX_SIZE;
import static org.vmlab.machine.device.NetworkInterface.RX_TAIL;
import static org.vmlab.machine.device.NetworkInterface.TX_BASE;
import static org.vmlab.machine.device.NetworkInterface.TX_HEAD;
import static org.vmlab.machine.device.NetworkInterface.TX_SIZE;
import static org.vmlab.machine.device.NetworkInterface.TX_TAIL;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The network interface: transmit and receive descriptor rings in guest memory, 500 ticks per
 * frame sent, an echo peer answering 2000 ticks later, ICR and IMS.
 */
class NetworkInterfaceTest {
    private static final int TX_RING = 0x1000;
    private static final int RX_RING = 0x2000;
    private static final int TX_BUFFERS = 0x4000;
    private static final int RX_BUFFERS = 0x8000;

    private final Bench bench = new Bench();
    private final NetworkInterface nic =
            new NetworkInterface(bench.clock, bench.pic, bench.dma, new EchoPeer());

    private int word(int address) {
        return bench.memory.readWord(address);
    }

    private void setWord(int address, int value) {
        bench.memory.writeWord(address, value);
    }

    private static byte[] payload(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    /** The driver fills transmit descriptor {@code index} with a frame. */
    private void queueFrame(int index, byte[] frame) {
        int buffer = TX_BUFFERS + index * 2048;
        bench.memory.write(buffer, frame);
        setWord(TX_RING + index * 16, buffer);
        setWord(TX_RING + index * 16 + 4, frame.length);
        setWord(TX_RING + index * 16 + 8, 0);
    }

    /** The driver sets up a ring of {@code size} receive buffers of 2048 bytes. */
    private void setUpReceiveRing(int size) {
        for (int i = 0; i < size; i++) {
            setWord(RX_RING + i * 16, RX_BUFFERS + i * 2048);
            setWord(RX_RING + i * 16 + 4, 2048);
        }
        nic.write(RX_BASE, RX_RING);
        nic.write(RX_SIZE, size);
    }

    private void setUpTransmitRing(int size) {
        nic.write(TX_BASE, TX_RING);
        nic.write(TX_SIZE, size);
    }

    @Test
    void ringRegistersReadBackAndStartAtZero() {
        setUpTransmitRing(8);
        setUpReceiveRing(4);
        assertThat(nic.read(TX_BASE)).isEqualTo(TX_RING);
        assertThat(nic.read(TX_SIZE)).isEqualTo(8);
        assertThat(nic.read(TX_HEAD)).isZero();
        assertThat(nic.read(TX_TAIL)).isZero();
        assertThat(nic.read(RX_BASE)).isEqualTo(RX_RING);
        assertThat(nic.read(RX_SIZE)).isEqualTo(4);
        assertThat(nic.read(0x28)).as("no register there").isEqualTo(IoBus.FLOATING);
    }

    @Test
    void ringSizesOutside1To256AndTailsOutsideTheRingAreIgnored() {
        setUpTransmitRing(8);
        nic.write(TX_SIZE, 0);
        nic.write(TX_SIZE, 257);
        nic.write(TX_TAIL, 8);
        assertThat(nic.read(TX_SIZE)).isEqualTo(8);
        assertThat(nic.read(TX_TAIL)).isZero();
        nic.write(TX_HEAD, 3);
        assertThat(nic.read(TX_HEAD)).as("read only").isZero();
    }

    @Test
    void transmitsEveryDescriptorUpToTheTail500TicksEach() {
        setUpTransmitRing(8);
        byte[][] sent = {payload(60, 1), payload(1514, 2), payload(1, 3)};
        for (int i = 0; i < sent.length; i++) {
            queueFrame(i, sent[i]);
        }
        bench.run(100);
        nic.write(TX_TAIL, 3);

        bench.runTo(599);
        assertThat(nic.read(TX_HEAD)).isZero();
        assertThat(nic.frames()).isEmpty();

        bench.runTo(600);
        assertThat(nic.read(TX_HEAD)).isEqualTo(1);
        assertThat(word(TX_RING + 8)).as("done").isEqualTo(NetworkInterface.STATUS_DONE);
        assertThat(word(TX_RING + 16 + 8)).isZero();

        bench.runTo(1600);
        assertThat(nic.read(TX_HEAD)).isEqualTo(3);
        assertThat(word(TX_RING + 2 * 16 + 8)).isEqualTo(NetworkInterface.STATUS_DONE);
        assertThat(nic.frames()).containsExactly(
                new Frame(600, Frame.Direction.SENT, sent[0]),
                new Frame(1100, Frame.Direction.SENT, sent[1]),
                new Frame(1600, Frame.Direction.SENT, sent[2]));
        assertThat(nic.read(ICR)).isEqualTo(CAUSE_TX_DONE);
    }

    @Test
    void theTransmitRingWrapsAround() {
        setUpTransmitRing(3);
        queueFrame(0, payload(10, 0));
        nic.write(TX_TAIL, 1);
        bench.run(500);
        queueFrame(1, payload(10, 1));
        queueFrame(2, payload(10, 2));
        nic.write(TX_TAIL, 0);   // descriptors 1 and 2: the tail wrapped
        bench.run(1000);
        queueFrame(0, payload(10, 3));
        nic.write(TX_TAIL, 1);
        bench.run(500);
        assertThat(nic.read(TX_HEAD)).isEqualTo(1);
        assertThat(nic.frames()).extracting(f -> f.bytes()[0])
                .containsExactly((byte) 0, (byte) 1, (byte) 2, (byte) 3);
    }

    @Test
    void headEqualsTailMeansTheDeviceOwnsNoDescriptor() {
        setUpTransmitRing(2);
        queueFrame(0, payload(10, 0));
        nic.write(TX_TAIL, 0);
        bench.run(10_000);
        assertThat(nic.frames()).isEmpty();
    }

    @Test
    void aBadTransmitDescriptorIsMarkedDoneAndErrorAndNotSent() {
        setUpTransmitRing(4);
        queueFrame(0, payload(10, 0));
        setWord(TX_RING + 4, 1515);                   // too long
        queueFrame(1, payload(10, 1));
        setWord(TX_RING + 16, 0xF000_0000);           // buffer outside RAM
        queueFrame(2, payload(10, 2));
        nic.write(TX_TAIL, 3);
        bench.run(1500);

        int doneAndError = NetworkInterface.STATUS_DONE | NetworkInterface.STATUS_ERROR;
        assertThat(word(TX_RING + 8)).isEqualTo(doneAndError);
        assertThat(word(TX_RING + 16 + 8)).isEqualTo(doneAndError);
        assertThat(word(TX_RING + 32 + 8)).isEqualTo(NetworkInterface.STATUS_DONE);
        assertThat(nic.frames()).hasSize(1);
        assertThat(nic.transmitErrors()).isEqualTo(2);
        assertThat(nic.read(TX_HEAD)).isEqualTo(3);
    }

    @Test
    void theEchoComesBackIntoTheReceiveRing2000TicksAfterSending() {
        setUpTransmitRing(4);
        setUpReceiveRing(4);
        nic.write(RX_TAIL, 3);
        byte[] frame = payload(100, 42);
        queueFrame(0, frame);
        nic.write(TX_TAIL, 1);

        bench.runTo(500 + 1999);
        assertThat(nic.read(RX_HEAD)).isZero();
        bench.runTo(500 + 2000);

        assertThat(nic.read(RX_HEAD)).isEqualTo(1);
        assertThat(word(RX_RING + 4)).as("received length").isEqualTo(100);
        assertThat(word(RX_RING + 8)).isEqualTo(NetworkInterface.STATUS_DONE);
        assertThat(bench.memory.read(RX_BUFFERS, 100)).isEqualTo(frame);
        assertThat(nic.frames()).containsExactly(
                new Frame(500, Frame.Direction.SENT, frame),
                new Frame(2500, Frame.Direction.RECEIVED, frame));
        assertThat(nic.read(ICR)).isEqualTo(CAUSE_TX_DONE | CAUSE_RX);
    }

    @Test
    void whenTheReceiveRingIsFullFramesAreDroppedAndCounted() {
        setUpTransmitRing(8);
        setUpReceiveRing(4);
        nic.write(RX_TAIL, 2);   // two buffers offered
        for (int i = 0; i < 3; i++) {
            queueFrame(i, payload(20, i));
        }
        nic.write(TX_TAIL, 3);
        bench.run(10_000);

        assertThat(nic.read(RX_HEAD)).isEqualTo(2);
        assertThat(nic.droppedFrames()).isEqualTo(1);
        assertThat(nic.frames()).filteredOn(f -> f.direction() == Frame.Direction.RECEIVED)
                .extracting(Frame::tick).containsExactly(2500L, 3000L);
        assertThat(word(RX_RING + 2 * 16 + 8)).as("the third buffer untouched").isZero();
    }

    @Test
    void aFrameLongerThanTheBufferIsDropped() {
        setUpTransmitRing(4);
        setUpReceiveRing(4);
        setWord(RX_RING + 4, 50);
        nic.write(RX_TAIL, 1);
        queueFrame(0, payload(51, 0));
        nic.write(TX_TAIL, 1);
        bench.run(3000);
        assertThat(nic.droppedFrames()).isEqualTo(1);
        assertThat(nic.read(RX_HEAD)).isZero();
        assertThat(word(RX_RING + 4)).isEqualTo(50);
    }

    @Test
    void aPeerMayAnswerSeveralTimesOrNotAtAll() {
        NetworkInterface chatty = new NetworkInterface(bench.clock, bench.pic, bench.dma,
                frame -> frame[0] == 0 ? List.of()
                        : List.of(new NetworkPeer.Reply(10, new byte[] {1}),
                                new NetworkPeer.Reply(20, new byte[] {2, 2})));
        chatty.write(TX_BASE, TX_RING);
        chatty.write(TX_SIZE, 4);
        chatty.write(RX_BASE, RX_RING);
        for (int i = 0; i < 4; i++) {
            setWord(RX_RING + i * 16, RX_BUFFERS + i * 2048);
            setWord(RX_RING + i * 16 + 4, 2048);
        }
        chatty.write(RX_SIZE, 4);
        chatty.write(RX_TAIL, 3);
        queueFrame(0, new byte[] {0});
        queueFrame(1, new byte[] {1});
        chatty.write(TX_TAIL, 2);
        bench.run(2000);

        assertThat(chatty.frames()).extracting(Frame::tick, Frame::direction, Frame::length)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(500L, Frame.Direction.SENT, 1),
                        org.assertj.core.groups.Tuple.tuple(1000L, Frame.Direction.SENT, 1),
                        org.assertj.core.groups.Tuple.tuple(1010L, Frame.Direction.RECEIVED, 1),
                        org.assertj.core.groups.Tuple.tuple(1020L, Frame.Direction.RECEIVED, 2));
    }

    @Test
    void causesRaiseLine3OnlyWhenEnabledInIms() {
        setUpTransmitRing(4);
        queueFrame(0, payload(10, 0));
        nic.write(TX_TAIL, 1);
        bench.run(500);
        assertThat(bench.pending(NetworkInterface.LINE)).as("IMS is 0").isFalse();

        nic.write(IMS, CAUSE_TX_DONE);
        assertThat(nic.read(IMS)).isEqualTo(CAUSE_TX_DONE);
        assertThat(bench.pic.acknowledge()).as("enabling a set cause raises the line")
                .isEqualTo(35);
    }

    @Test
    void readingIcrClearsItAndWithdrawsARequestNotYetTaken() {
        setUpTransmitRing(4);
        nic.write(IMS, CAUSE_TX_DONE | CAUSE_RX);
        queueFrame(0, payload(10, 0));
        nic.write(TX_TAIL, 1);
        bench.run(500);
        assertThat(bench.pending(NetworkInterface.LINE)).isTrue();

        assertThat(nic.read(ICR)).isEqualTo(CAUSE_TX_DONE);
        assertThat(nic.read(ICR)).isZero();
        assertThat(bench.pic.hasDeliverable()).isFalse();
    }

    @Test
    void aCauseDuringTheHandlerInterruptsAgainAfterEndOfInterrupt() {
        setUpTransmitRing(4);
        nic.write(IMS, CAUSE_TX_DONE);
        queueFrame(0, payload(10, 0));
        queueFrame(1, payload(10, 1));
        nic.write(TX_TAIL, 2);
        bench.run(500);
        bench.pic.acknowledge();
        nic.read(ICR);
        bench.run(500);   // the second frame is done while the handler runs
        bench.pic.endOfInterrupt();
        assertThat(bench.pic.acknowledge()).isEqualTo(35);
    }

    @Test
    void settingUpANewTransmitRingAbandonsTheTransmission() {
        setUpTransmitRing(4);
        queueFrame(0, payload(10, 0));
        nic.write(TX_TAIL, 1);
        bench.run(100);
        nic.write(TX_BASE, TX_RING);
        bench.run(1000);
        assertThat(nic.frames()).isEmpty();
        assertThat(nic.read(TX_HEAD)).isZero();
    }

    @Test
    void framesCompareByContent() {
        byte[] b = {1, 2, 3};
        Frame f = new Frame(5, Frame.Direction.SENT, b);
        b[0] = 9;
        assertThat(f).isEqualTo(new Frame(5, Frame.Direction.SENT, new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new Frame(5, Frame.Direction.SENT, new byte[] {1, 2, 3}));
        f.bytes()[1] = 9;
        assertThat(f.bytes()).containsExactly(1, 2, 3);
        assertThat(f).hasToString("Frame[tick=5, SENT, 3 bytes: 010203]");
    }

    @Test
    void itsStateIsItsRingsCausesFramesAndCountersAndARestoredInterfaceGoesOnExactly() {
        setUpTransmitRing(4);
        setUpReceiveRing(4);
        nic.write(RX_TAIL, 3);
        nic.write(IMS, CAUSE_RX);
        queueFrame(0, payload(100, 1));
        queueFrame(1, payload(60, 2));
        nic.write(TX_TAIL, 2);
        bench.run(800);   // one frame sent, its echo on the way, the second being sent
        NetworkInterface.State state = nic.state();
        assertThat(state.tx()).isEqualTo(new NetworkInterface.RingRegisters(TX_RING, 4, 1, 2));
        assertThat(state.causes()).isEqualTo(CAUSE_TX_DONE);
        assertThat(state.frames()).isEqualTo(nic.frames());
        assertThat(bench.clock.pending()).extracting(e -> e.what().getClass().getSimpleName())
                .containsExactly("Transmission", "Arrival");

        Bench other = new Bench();
        NetworkInterface restored = new NetworkInterface(other.clock, other.pic, other.dma, new EchoPeer());
        other.restoreFrom(bench);
        restored.restore(state);
        assertThat(restored.state()).isEqualTo(state);

        bench.run(5000);
        other.run(5000);
        assertThat(restored.state()).isEqualTo(nic.state());
        assertThat(restored.frames()).hasSize(4);
        assertThat(other.memory.read(0, 64 * 1024)).isEqualTo(bench.memory.read(0, 64 * 1024));
        assertThat(other.pic.state()).isEqualTo(bench.pic.state());
    }

    @Test
    void aRestoredTransmitterIsStoppedByANewRing() {
        setUpTransmitRing(4);
        queueFrame(0, payload(10, 0));
        nic.write(TX_TAIL, 1);
        Bench other = new Bench();
        NetworkInterface restored = new NetworkInterface(other.clock, other.pic, other.dma, new EchoPeer());
        other.restoreFrom(bench);
        restored.restore(nic.state());

        restored.write(TX_BASE, TX_RING);

        assertThat(other.clock.pending()).as("the transmission taken back is the interface's own").isEmpty();
    }

    @Test
    void ringRegistersLieInTheirRing() {
        assertThatThrownBy(() -> new NetworkInterface.RingRegisters(0, 4, 4, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetworkInterface.RingRegisters(0, 257, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new NetworkInterface.RingRegisters(0, 0, 0, 0).size()).as("never set up").isZero();
    }
}
