package org.vmlab.device.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmlab.device.DeviceEvent;
import org.vmlab.machine.device.Frame;
import org.vmlab.vmm.Errno;

/**
 * The network back end as a front end sees it: frames granted on the tx ring go out on the VM's
 * network interface, each answered; frames the interface receives go into the pages posted on
 * the rx ring, or are dropped if none is posted. Bad requests are answered with errors.
 */
class NetbackTest {
    private static final int TX_FRAME = 5;
    private static final int RX_FRAME = 6;
    private static final int PORT = 3;
    private static final int DATA = 16;

    private final SplitVm split = new SplitVm();
    private final FrontRing tx = new FrontRing(split, TX_FRAME, 16, SplitAbi.NET_SLOT_SIZE, PORT);
    private final FrontRing rx = new FrontRing(split, RX_FRAME, 16, SplitAbi.NET_SLOT_SIZE, PORT);

    @BeforeEach
    void connect() {
        split.setUpGrantTable();
        split.initRing(TX_FRAME);
        split.initRing(RX_FRAME);
        split.grant(8, TX_FRAME);
        split.grant(9, RX_FRAME);
        split.channels.allocateForBackEnd(PORT);
        split.words(SplitVm.ARGS, SplitAbi.CONNECT_VIF, 8, 9, PORT, 16);
        assertThat(split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, SplitVm.ARGS)).isZero();
    }

    @Test
    void aFrameSentGoesOutOnTheInterfaceAndItsEchoComesBackIntoAPostedPage() {
        byte[] frame = BlkbackTest.pattern(100, 3);
        split.vm.memory().write(DATA * SplitVm.PAGE + 8, frame);
        split.grant(10, SplitAbi.GTF_PERMIT_ACCESS | SplitAbi.GTF_READONLY, 0, DATA);
        split.grant(11, DATA + 1);
        rx.put(70, 11);
        rx.push();
        tx.put(5, 10, 8, 100);
        tx.push();
        split.settle();

        List<Frame> frames = split.vm.devices().standard().nic().frames();
        assertThat(frames).extracting(Frame::direction).containsExactly(Frame.Direction.SENT, Frame.Direction.RECEIVED);
        assertThat(frames.get(0).bytes()).isEqualTo(frame);
        assertThat(tx.responses(2)).containsExactly(new int[] {5, SplitAbi.NETIF_RSP_OKAY});
        assertThat(rx.responses(4)).containsExactly(new int[] {70, 0, 0, 100});
        assertThat(split.vm.memory().read((DATA + 1) * SplitVm.PAGE, 100)).isEqualTo(frame);
        assertThat(split.vm.counters().events(DeviceEvent.HOST_IO_REQUEST)).as("one each way").isEqualTo(2);
        assertThat(split.vm.devices().pic().hasDeliverable()).as("the interface's line is the back end's").isFalse();
    }

    @Test
    void aFrameArrivingWithNoPagePostedIsDropped() {
        split.vm.memory().write(DATA * SplitVm.PAGE, BlkbackTest.pattern(60, 1));
        split.grant(10, DATA);
        tx.put(1, 10, 0, 60);
        tx.push();
        split.settle();

        assertThat(tx.responses(2)).containsExactly(new int[] {1, SplitAbi.NETIF_RSP_OKAY});
        assertThat(split.named("split.net.rx.dropped")).isEqualTo(1);
        assertThat(split.named("split.net.rx.responses")).isZero();
    }

    @Test
    void aBatchOfFramesIsOneTripAndEveryOneIsAnsweredInOrder() {
        split.grant(10, DATA);
        for (int i = 0; i < 12; i++) {   // more than the interface's ring lends at once
            tx.put(i, 10, i * 100, 100);
        }
        tx.push();
        split.settle();

        assertThat(tx.sends).isEqualTo(1);
        assertThat(split.vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isEqualTo(1);
        assertThat(tx.responses(2)).extracting(r -> r[0]).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(split.vm.devices().standard().nic().frames()).filteredOn(f -> f.direction() == Frame.Direction.SENT)
                .hasSize(12);
    }

    @Test
    void badTxRequestsAreAnsweredWithErrorsAndNothingIsSent() {
        split.grant(10, DATA);
        split.grant(11, SplitAbi.GTF_PERMIT_ACCESS, 5, DATA);   // another domain's
        tx.put(1, 10, 0, 0);          // empty
        tx.put(2, 10, 0, 1515);       // longer than a frame
        tx.put(3, 10, 4000, 100);     // leaves the page
        tx.put(4, 10, -4, 100);
        tx.put(5, 11, 0, 100);
        tx.put(6, 40, 0, 100);        // no grant
        tx.push();
        split.settle();

        assertThat(tx.responses(2)).extracting(r -> r[1]).containsExactly(-1, -1, -1, -1, -1, -1);
        assertThat(split.vm.devices().standard().nic().frames()).isEmpty();
        assertThat(split.named("split.grant.refused")).isEqualTo(2);
    }

    @Test
    void aFrameForARefusedRxGrantIsAnsweredWithAnErrorAndWritesNothing() {
        split.grant(10, DATA);
        split.grant(11, SplitAbi.GTF_PERMIT_ACCESS | SplitAbi.GTF_READONLY, 0, DATA + 1);
        split.vm.memory().write(DATA * SplitVm.PAGE, BlkbackTest.pattern(64, 9));
        rx.put(70, 11);
        rx.push();
        tx.put(1, 10, 0, 64);
        tx.push();
        split.settle();

        assertThat(rx.responses(4)).containsExactly(new int[] {70, 0, 0, SplitAbi.NETIF_RSP_ERROR});
        assertThat(split.vm.memory().read((DATA + 1) * SplitVm.PAGE, 64)).isEqualTo(new byte[64]);
    }

    @Test
    void aFrameArrivingOnABogusRxRingIsDroppedAndTheRingServedNoMore() {
        split.words(RX_FRAME * SplitVm.PAGE, 1000);   // rx req_prod far ahead
        split.vm.memory().write(DATA * SplitVm.PAGE, BlkbackTest.pattern(60, 1));
        split.grant(10, DATA);
        tx.put(1, 10, 0, 60);
        tx.push();
        split.settle();

        assertThat(split.named("split.ring.overflow")).isEqualTo(1);
        assertThat(split.named("split.net.rx.dropped")).isEqualTo(1);
        assertThat(tx.responses(2)).as("the tx ring is served still").containsExactly(new int[] {1, 0});
    }

    @Test
    void aFloodOfNotificationsCostsATripEachAndSendsNothing() {
        for (int i = 0; i < 500; i++) {
            split.channels.send(PORT);
        }
        split.settle();

        assertThat(split.named("split.net.notify.in")).isEqualTo(500);
        assertThat(split.vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isEqualTo(500);
        assertThat(split.vm.devices().standard().nic().frames()).isEmpty();
        assertThat(split.channels.notifications(PORT)).isZero();
    }

    @Test
    void bogusRingsAreServedNoMore() {
        split.words(TX_FRAME * SplitVm.PAGE, 17);   // req_prod past a ring of 16
        split.channels.send(PORT);
        split.words(RX_FRAME * SplitVm.PAGE, -5);
        split.grant(10, DATA);
        split.words(TX_FRAME * SplitVm.PAGE, 0);
        split.settle();

        assertThat(split.named("split.ring.overflow")).isEqualTo(1);
        assertThat(split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, SplitVm.ARGS)).isEqualTo(-Errno.EEXIST);
        assertThat(split.vm.devices().standard().nic().frames()).isEmpty();
        assertThat(split.word(TX_FRAME * SplitVm.PAGE + SplitAbi.RING_RSP_PROD)).isZero();
    }
}
