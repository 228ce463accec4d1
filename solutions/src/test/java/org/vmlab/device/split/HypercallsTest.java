package org.vmlab.device.split;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.vmm.Errno;

/**
 * {@code grant_table_op} and {@code device_connect} as the guest calls them: each error, and
 * nothing changed by a call that fails.
 */
class HypercallsTest {
    private static final int ARGS = SplitVm.ARGS;

    private final SplitVm split = new SplitVm();

    private int setupTable(int count, int dom, int frames, int frame) {
        split.words(ARGS, dom, frames, 0x5555, frame);
        return split.hypercall(SplitAbi.GRANT_TABLE_OP, SplitAbi.GNTTABOP_SETUP_TABLE, count, ARGS);
    }

    @Test
    void setupTableTakesOnePageOfTheGuestsRamAndSaysOkay() {
        assertThat(setupTable(1, SplitAbi.DOMID_SELF, 1, 7)).isZero();
        assertThat(split.word(ARGS + 8)).as("status").isEqualTo(SplitAbi.GNTST_OKAY);
        assertThat(split.drivers.grants().isSetUp()).isTrue();
        assertThat(split.named("pv.hypercall.grant_table_op")).isEqualTo(1);
    }

    @Test
    void setupTableRefusesWhatItCannotDoAndChangesNothing() {
        int frames = SplitVm.MEMORY / SplitVm.PAGE;
        assertThat(setupTable(1, 0, 1, 7)).as("another domain").isEqualTo(-Errno.ESRCH);
        assertThat(setupTable(1, SplitAbi.DOMID_SELF, 2, 7)).as("nr_frames").isEqualTo(-Errno.EINVAL);
        assertThat(setupTable(2, SplitAbi.DOMID_SELF, 1, 7)).as("count").isEqualTo(-Errno.EINVAL);
        assertThat(setupTable(1, SplitAbi.DOMID_SELF, 1, frames)).as("outside RAM").isEqualTo(-Errno.EINVAL);
        assertThat(setupTable(1, SplitAbi.DOMID_SELF, 1, -1)).isEqualTo(-Errno.EINVAL);
        assertThat(split.hypercall(SplitAbi.GRANT_TABLE_OP, 0, 1, ARGS)).as("another command").isEqualTo(-Errno.ENOSYS);
        assertThat(split.hypercall(SplitAbi.GRANT_TABLE_OP, SplitAbi.GNTTABOP_SETUP_TABLE, 1, SplitVm.MEMORY - 8))
                .as("args past the end of RAM").isEqualTo(-Errno.EFAULT);
        assertThat(split.hypercall(SplitAbi.GRANT_TABLE_OP, SplitAbi.GNTTABOP_SETUP_TABLE, 1, ARGS + 2))
                .as("misaligned").isEqualTo(-Errno.EFAULT);
        assertThat(split.word(ARGS + 8)).as("no status written").isEqualTo(0x5555);
        assertThat(split.drivers.grants().isSetUp()).isFalse();
    }

    @Test
    void aNewTableForgetsTheOldOnesGrants() {
        setupTable(1, SplitAbi.DOMID_SELF, 1, SplitVm.TABLE_FRAME);
        split.grant(8, 20);
        assertThat(split.drivers.grants().frameFor(8, true)).isEqualTo(20);

        setupTable(1, SplitAbi.DOMID_SELF, 1, SplitVm.TABLE_FRAME + 1);

        assertThat(split.drivers.grants().frameFor(8, true)).isEqualTo(-1);
        assertThat(split.named("split.grant.refused")).isEqualTo(1);
    }

    @Test
    void connectRefusesUnknownTypesRingsPortsAndSizesItCannotTake() {
        split.setUpGrantTable();
        split.initRing(5);
        split.grant(8, 5);
        split.grant(9, SplitAbi.GTF_PERMIT_ACCESS | SplitAbi.GTF_READONLY, 0, 5);
        split.channels.allocateForBackEnd(3);

        assertThat(connectVbd(8, 3, 8, 7)).as("type").isEqualTo(-Errno.ENODEV);
        assertThat(connectVbd(8, 3, 3, SplitAbi.CONNECT_VBD)).as("not a power of two").isEqualTo(-Errno.EINVAL);
        assertThat(connectVbd(8, 3, 0, SplitAbi.CONNECT_VBD)).isEqualTo(-Errno.EINVAL);
        assertThat(connectVbd(8, 3, 128, SplitAbi.CONNECT_VBD)).as("more than blkif's 64").isEqualTo(-Errno.EINVAL);
        assertThat(connectVbd(9, 3, 8, SplitAbi.CONNECT_VBD)).as("a read-only ring").isEqualTo(-Errno.EINVAL);
        assertThat(connectVbd(10, 3, 8, SplitAbi.CONNECT_VBD)).as("no grant").isEqualTo(-Errno.EINVAL);
        assertThat(connectVbd(8, 4, 8, SplitAbi.CONNECT_VBD)).as("a port not unbound for domain 0").isEqualTo(-Errno.EINVAL);
        assertThat(split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, SplitVm.MEMORY - 4)).isEqualTo(-Errno.EFAULT);
        assertThat(split.named("split.connected.vbd")).isZero();

        assertThat(connectVbd(8, 3, 8, SplitAbi.CONNECT_VBD)).as("now right").isZero();
    }

    @Test
    void aVifTakesTwoRingsAndOnePort() {
        split.setUpGrantTable();
        split.initRing(5);
        split.initRing(6);
        split.grant(8, 5);
        split.grant(9, 6);
        split.channels.allocateForBackEnd(3);

        split.words(ARGS, SplitAbi.CONNECT_VIF, 8, 9, 3, 256);
        assertThat(split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, ARGS)).as("more than netif's 128").isEqualTo(-Errno.EINVAL);
        split.words(ARGS, SplitAbi.CONNECT_VIF, 8, 10, 3, 128);
        assertThat(split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, ARGS)).as("no rx grant").isEqualTo(-Errno.EINVAL);
        split.words(ARGS, SplitAbi.CONNECT_VIF, 8, 9, 3, 128);
        assertThat(split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, ARGS)).isZero();
        assertThat(split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, ARGS)).isEqualTo(-Errno.EEXIST);
        assertThat(split.named("split.connected.vif")).isEqualTo(1);
    }

    private int connectVbd(int ringRef, int port, int size, int type) {
        split.words(ARGS, type, ringRef, port, size, 0x5555);
        int result = split.hypercall(SplitAbi.DEVICE_CONNECT, 0, 0, ARGS);
        if (result != 0) {
            assertThat(split.word(ARGS + 16)).as("no sectors written").isEqualTo(0x5555);
        }
        return result;
    }
}
