package org.vmlab.device.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.device.DeviceEvent;
import org.vmlab.machine.device.BlockDevice;
import org.vmlab.vmm.Errno;

/**
 * The block back end as a front end sees it: requests on the ring are done on the disk in ring
 * order, the sectors copied through the grants, each answered once, the front end notified when
 * the ring's rule says so; every bad request is answered with an error, and a bogus ring stops
 * being served. It never throws.
 */
class BlkbackTest {
    private static final int SECTOR = BlockDevice.SECTOR_SIZE;
    private static final int DATA = 16;   // the first data frame

    private final SplitVm split = new SplitVm();
    private final BlockFrontEnd front = new BlockFrontEnd(split, 8);

    @Test
    void connectingMapsTheRingBindsThePortAndSaysTheDisksSize() {
        assertThat(front.connect()).isZero();
        assertThat(split.word(SplitVm.ARGS + 16)).as("sectors").isEqualTo(2048);
        assertThat(front.connect()).as("already").isEqualTo(-Errno.EEXIST);
    }

    @Test
    void aWriteThenAReadMoveTheSectorsThroughTheGrantsInOneTripEach() {
        front.connect();
        byte[] data = pattern(12 * SECTOR, 7);
        split.vm.memory().write(DATA * SplitVm.PAGE, Arrays.copyOfRange(data, 0, 8 * SECTOR));
        split.vm.memory().write((DATA + 1) * SplitVm.PAGE + 4 * SECTOR, Arrays.copyOfRange(data, 8 * SECTOR, 12 * SECTOR));
        split.grant(9, SplitAbi.GTF_PERMIT_ACCESS | SplitAbi.GTF_READONLY, 0, DATA);   // a write only reads the guest
        split.grant(10, SplitAbi.GTF_PERMIT_ACCESS | SplitAbi.GTF_READONLY, 0, DATA + 1);

        front.request(SplitAbi.BLKIF_OP_WRITE, 41, 10, new int[] {9, 0, 7}, new int[] {10, 4, 7});
        assertThat(front.push()).as("the first request is announced").isTrue();
        assertThat(split.flags(9)).as("in use while the disk works").isEqualTo(
                SplitAbi.GTF_PERMIT_ACCESS | SplitAbi.GTF_READONLY | SplitAbi.GTF_READING);
        split.settle();

        assertThat(front.responses()).containsExactly(new int[] {41, SplitAbi.BLKIF_OP_WRITE, 0});
        assertThat(split.flags(9)).isEqualTo(SplitAbi.GTF_PERMIT_ACCESS | SplitAbi.GTF_READONLY);
        byte[] disk = split.vm.devices().standard().disk().contents();
        assertThat(Arrays.copyOfRange(disk, 10 * SECTOR, 22 * SECTOR)).isEqualTo(data);

        split.grant(11, DATA + 2);
        front.request(SplitAbi.BLKIF_OP_READ, 42, 14, new int[] {11, 2, 5});
        assertThat(front.push()).isTrue();
        split.settle();

        assertThat(front.responses()).containsExactly(new int[] {42, SplitAbi.BLKIF_OP_READ, 0});
        assertThat(split.vm.memory().read((DATA + 2) * SplitVm.PAGE + 2 * SECTOR, 4 * SECTOR))
                .isEqualTo(Arrays.copyOfRange(data, 4 * SECTOR, 8 * SECTOR));
        assertThat(split.vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isEqualTo(2);
        assertThat(split.vm.counters().events(DeviceEvent.HOST_IO_REQUEST)).isEqualTo(2);
        assertThat(split.vm.counters().events(DeviceEvent.HOST_COPY_LINE)).isEqualTo((12 + 4) * SECTOR / 64);
        assertThat(split.channels.notifications(BlockFrontEnd.PORT)).isEqualTo(2);
        assertThat(split.vm.devices().pic().hasDeliverable()).as("the disk's line is the back end's").isFalse();
    }

    @Test
    void aBatchCostsOneNotificationEachWayAndIsDoneInRingOrder() {
        front.connect();
        for (int i = 0; i < 5; i++) {
            split.grant(9 + i, DATA + i);
            front.request(SplitAbi.BLKIF_OP_READ, 100 + i, 8 * i, new int[] {9 + i, 0, 7});
        }
        front.push();
        split.settle();

        assertThat(front.sends).isEqualTo(1);
        assertThat(split.vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isEqualTo(1);
        assertThat(split.channels.notifications(BlockFrontEnd.PORT)).as("the front end did not look meanwhile").isEqualTo(1);
        assertThat(front.responses()).extracting(r -> r[0]).containsExactly(100, 101, 102, 103, 104);
        assertThat(split.vm.devices().standard().disk().requests()).extracting(r -> r.sector())
                .containsExactly(0L, 8L, 16L, 24L, 32L);
        assertThat(split.named("split.blk.requests")).isEqualTo(5);
        assertThat(split.named("split.blk.responses")).isEqualTo(5);
    }

    @Test
    void aPushAfterTheBackEndLookedIsAnnouncedAgain() {
        front.connect();
        split.grant(9, DATA);
        for (int i = 1; i <= 3; i++) {
            front.request(SplitAbi.BLKIF_OP_READ, i, i, new int[] {9, i, i});
            assertThat(front.push()).as("the back end, idle, asked for the index past its last look").isTrue();
        }
        split.settle();

        assertThat(front.responses()).extracting(r -> r[0]).containsExactly(1, 2, 3);
        assertThat(split.vm.devices().standard().disk().requests()).hasSize(3);
    }

    @Test
    void badRequestsAreAnsweredWithErrorsAndTouchNothing() {
        BlockFrontEnd front = new BlockFrontEnd(split, 16);
        front.connect();
        split.grant(9, DATA);
        split.grant(10, SplitAbi.GTF_PERMIT_ACCESS | SplitAbi.GTF_READONLY, 0, DATA + 1);
        split.grant(11, SplitAbi.GTF_PERMIT_ACCESS, 3, DATA + 2);        // another domain's
        split.grant(12, SplitAbi.GTF_INVALID, 0, DATA + 3);
        split.grant(13, SplitAbi.GTF_PERMIT_ACCESS, 0, 100_000);         // outside RAM
        split.grant(14, 2, 0, DATA + 4);                                 // GTF_accept_transfer: not here
        int read = SplitAbi.BLKIF_OP_READ;
        front.request(7, 1, 0, new int[] {9, 0, 0});                      // no such operation
        front.put(read, 2, 0, 0);                                        // no segments
        front.put(read | 5 << 8, 3, 0, 0, 9, 0, 9, 0, 9, 0, 9, 0);        // five segments
        front.request(read, 4, 0, new int[] {9, 3, 2});                   // first after last
        front.request(read, 5, 0, new int[] {9, 0, 8});                   // past the page
        front.request(read, 6, 2047, new int[] {9, 0, 1});                // past the disk's end
        front.request(read, 7, 0, new int[] {10, 0, 0});                  // a read into a read-only grant
        front.request(read, 8, 0, new int[] {11, 0, 0});
        front.request(read, 9, 0, new int[] {12, 0, 0});
        front.request(read, 10, 0, new int[] {13, 0, 0});
        front.request(read, 11, 0, new int[] {14, 0, 0});
        front.push();
        front.request(read, 12, 0, new int[] {3, 0, 0});                  // a reserved entry
        front.request(read, 13, 0, new int[] {600, 0, 0});                // no such entry
        front.request(read, 14, 0, new int[] {9, 0, 0}, new int[] {10, 0, 0});
        front.request(read | 1 << 16, 15, 0, new int[] {9, 0, 0});        // handle 1: no such disk
        front.push();
        split.settle();

        List<int[]> responses = front.responses();
        assertThat(responses).extracting(r -> r[0]).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(responses.get(0)[2]).isEqualTo(SplitAbi.BLKIF_RSP_EOPNOTSUPP);
        assertThat(responses.subList(1, 15)).allSatisfy(r -> assertThat(r[2]).isEqualTo(SplitAbi.BLKIF_RSP_ERROR));
        assertThat(split.named("split.grant.refused")).isEqualTo(8);
        assertThat(split.vm.devices().standard().disk().requests()).as("none reached the disk").isEmpty();
        for (int frame = DATA; frame < DATA + 5; frame++) {
            assertThat(split.vm.memory().read(frame * SplitVm.PAGE, SplitVm.PAGE)).isEqualTo(new byte[SplitVm.PAGE]);
        }
    }

    @Test
    void aGrantRevokedWhileTheDiskWorksIsCheckedAgainBeforeTheCopy() {
        front.connect();
        split.grant(9, DATA);
        front.request(SplitAbi.BLKIF_OP_READ, 1, 0, new int[] {9, 0, 7});
        front.push();
        split.grant(9, SplitAbi.GTF_INVALID, 0, DATA);
        split.settle();

        assertThat(front.responses()).containsExactly(new int[] {1, SplitAbi.BLKIF_OP_READ, SplitAbi.BLKIF_RSP_ERROR});
        assertThat(split.named("split.grant.refused")).isEqualTo(1);
    }

    @Test
    void aFrontEndClaimingMoreThanTheRingHoldsIsServedNoMore() {
        front.connect();
        split.words(BlockFrontEnd.RING_FRAME * SplitVm.PAGE, 1000);   // req_prod far ahead
        split.channels.send(BlockFrontEnd.PORT);
        split.words(BlockFrontEnd.RING_FRAME * SplitVm.PAGE, 0x8000_0000);
        split.channels.send(BlockFrontEnd.PORT);
        split.settle();

        assertThat(split.named("split.ring.overflow")).isEqualTo(1);
        assertThat(split.word(BlockFrontEnd.RING_FRAME * SplitVm.PAGE + SplitAbi.RING_RSP_PROD)).isZero();
        assertThat(split.named("split.blk.responses")).isZero();
        assertThat(split.vm.devices().standard().disk().requests()).isEmpty();
    }

    @Test
    void aFloodOfNotificationsCostsATripEachAndNothingElse() {
        front.connect();
        for (int i = 0; i < 1000; i++) {
            split.channels.send(BlockFrontEnd.PORT);
        }
        split.settle();

        assertThat(split.named("split.blk.notify.in")).isEqualTo(1000);
        assertThat(split.vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isEqualTo(1000);
        assertThat(split.named("split.blk.responses")).isZero();
        assertThat(split.channels.notifications(BlockFrontEnd.PORT)).isZero();
    }

    @Test
    void aRingFullOfUnansweredRequestsIsNotOverrun() {
        front.connect();
        split.grant(9, DATA);
        for (int i = 0; i < 8; i++) {
            front.request(SplitAbi.BLKIF_OP_READ, i, i, new int[] {9, 0, 0});
        }
        front.push();
        split.settle();

        assertThat(front.responses()).hasSize(8);
        assertThat(split.named("split.ring.overflow")).isZero();
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
