package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The disk: a request is latched by its command, completes {@code 1000 + 100 * count} ticks later,
 * moves its data by DMA then, reports done or error, and raises line 2.
 */
class BlockDeviceTest {
    private static final int SECTOR = 0;
    private static final int COUNT = 1;
    private static final int ADDRESS = 2;
    private static final int COMMAND = 3;
    private static final int STATUS = 4;
    private static final int CAPACITY = 5;

    private final Bench bench = new Bench();
    private final byte[] image = image(16);
    private final BlockDevice disk = new BlockDevice(bench.clock, bench.pic, bench.dma, 16, image);

    /** A disk image whose every byte says which sector and offset it is. */
    private static byte[] image(int sectors) {
        byte[] b = new byte[sectors * 512];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i / 512 * 7 + i);
        }
        return b;
    }

    private void request(int command, int sector, int count, int address) {
        disk.out(SECTOR, sector);
        disk.out(COUNT, count);
        disk.out(ADDRESS, address);
        disk.out(COMMAND, command);
    }

    @Test
    void registersReadBackAndCapacityIsInSectors() {
        disk.out(SECTOR, 3);
        disk.out(COUNT, 2);
        disk.out(ADDRESS, 0x4000);
        assertThat(disk.in(SECTOR)).isEqualTo(3);
        assertThat(disk.in(COUNT)).isEqualTo(2);
        assertThat(disk.in(ADDRESS)).isEqualTo(0x4000);
        assertThat(disk.in(CAPACITY)).isEqualTo(16);
        assertThat(disk.in(STATUS)).isZero();
        assertThat(disk.in(COMMAND)).as("write-only").isEqualTo(IoBus.FLOATING);
    }

    @Test
    void aReadMovesSectorsIntoMemoryWhenItCompletes() {
        bench.run(10);
        request(BlockDevice.COMMAND_READ, 2, 3, 0x2000);
        long completion = 10 + 1000 + 100 * 3;

        bench.runTo(completion - 1);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_BUSY);
        assertThat(bench.memory.read(0x2000, 512 * 3)).as("no data before completion")
                .containsOnly(0);
        assertThat(bench.pending(BlockDevice.LINE)).isFalse();

        bench.runTo(completion);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_DONE);
        assertThat(bench.memory.read(0x2000, 512 * 3))
                .isEqualTo(Arrays.copyOfRange(image, 2 * 512, 5 * 512));
        assertThat(bench.pic.acknowledge()).isEqualTo(34);
        assertThat(disk.requests()).containsExactly(new DiskRequest(completion,
                DiskRequest.Op.READ, 2, 3,
                Sha256.hex(Arrays.copyOfRange(image, 2 * 512, 5 * 512)), true));
    }

    @Test
    void aWriteMovesMemoryToTheDiskWhenItCompletes() {
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0xAB);
        bench.memory.write(0x3000, data);
        request(BlockDevice.COMMAND_WRITE, 15, 1, 0x3000);
        bench.memory.write(0x3000, new byte[] {1});   // changed before completion: moves too

        bench.runTo(1099);
        assertThat(disk.contents()[15 * 512]).isEqualTo(image[15 * 512]);
        bench.runTo(1100);
        data[0] = 1;
        assertThat(Arrays.copyOfRange(disk.contents(), 15 * 512, 16 * 512)).isEqualTo(data);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_DONE);
        assertThat(bench.pending(BlockDevice.LINE)).isTrue();
        assertThat(disk.requests()).singleElement().satisfies(r -> {
            assertThat(r.op()).isEqualTo(DiskRequest.Op.WRITE);
            assertThat(r.sha256()).isEqualTo(Sha256.hex(data));
            assertThat(r.ok()).isTrue();
        });
    }

    @Test
    void theCommandLatchesItsRegisters() {
        request(BlockDevice.COMMAND_READ, 1, 1, 0x2000);
        disk.out(SECTOR, 9);
        disk.out(ADDRESS, 0x5000);
        bench.runTo(1100);
        assertThat(bench.memory.read(0x2000, 512))
                .isEqualTo(Arrays.copyOfRange(image, 512, 1024));
        assertThat(bench.memory.read(0x5000, 512)).containsOnly(0);
    }

    @Test
    void writingTheStatusPortClearsDoneAndError() {
        request(BlockDevice.COMMAND_READ, 0, 1, 0x2000);
        bench.run(1100);
        disk.out(STATUS, 0);
        assertThat(disk.in(STATUS)).isZero();
    }

    @Test
    void aRangePastTheEndCompletesWithErrorAfterTheLatency() {
        request(BlockDevice.COMMAND_READ, 15, 2, 0x2000);
        bench.runTo(1199);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_BUSY);
        bench.runTo(1200);

        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_ERROR);
        assertThat(bench.pending(BlockDevice.LINE)).isTrue();
        assertThat(bench.memory.read(0x2000, 1024)).containsOnly(0);
        assertThat(disk.requests()).singleElement()
                .satisfies(r -> assertThat(r.ok()).isFalse())
                .satisfies(r -> assertThat(r.sha256()).isEqualTo(Sha256.hex(new byte[0])));
    }

    @Test
    void aSectorNumberBeyond2To31IsPastTheEnd() {
        request(BlockDevice.COMMAND_READ, 0xFFFF_FFFF, 1, 0x2000);
        bench.run(1100);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_ERROR);
        assertThat(disk.requests().get(0).sector()).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void aCountOfZeroIsAnError() {
        request(BlockDevice.COMMAND_READ, 0, 0, 0x2000);
        bench.runTo(1000);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_ERROR);
    }

    @Test
    void aBufferOutsideRamIsAnErrorAndMovesNothing() {
        request(BlockDevice.COMMAND_READ, 0, 2, 64 * 1024 - 512);
        bench.run(1200);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_ERROR);
        assertThat(bench.memory.read(64 * 1024 - 512, 512)).containsOnly(0);

        disk.out(STATUS, 0);
        request(BlockDevice.COMMAND_WRITE, 0, 1, 0xF000_0000);
        bench.run(1100);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_ERROR);
        assertThat(disk.contents()).isEqualTo(image);
    }

    @Test
    void aCommandWhileBusyIsRefusedAndTheRequestInFlightGoesOn() {
        request(BlockDevice.COMMAND_READ, 0, 1, 0x2000);
        bench.run(10);
        request(BlockDevice.COMMAND_WRITE, 5, 1, 0x3000);

        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_BUSY | BlockDevice.STATUS_ERROR);
        assertThat(bench.pending(BlockDevice.LINE)).as("no interrupt for a refusal").isFalse();

        bench.runTo(1100);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_DONE | BlockDevice.STATUS_ERROR);
        assertThat(bench.memory.read(0x2000, 512)).isEqualTo(Arrays.copyOf(image, 512));
        assertThat(disk.requests()).extracting(DiskRequest::op)
                .containsExactly(DiskRequest.Op.READ);
        bench.run(10_000);
        assertThat(disk.requests()).hasSize(1);
    }

    @Test
    void anUnknownCommandIsRefused() {
        request(3, 0, 1, 0x2000);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_ERROR);
        assertThat(bench.clock.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aNewCommandClearsTheLastOnesStatus() {
        request(BlockDevice.COMMAND_READ, 99, 1, 0x2000);
        bench.run(1100);
        request(BlockDevice.COMMAND_READ, 0, 1, 0x2000);
        assertThat(disk.in(STATUS)).isEqualTo(BlockDevice.STATUS_BUSY);
    }

    @Test
    void aDiskIsZeroBeyondItsImageAndHasADigest() {
        BlockDevice blank = new BlockDevice(bench.clock, bench.pic, bench.dma, 4, new byte[] {7});
        assertThat(blank.contents()).hasSize(2048).startsWith(7).endsWith(0);
        byte[] expected = new byte[2048];
        expected[0] = 7;
        assertThat(blank.digest()).isEqualTo(Sha256.hex(expected)).hasSize(64);
    }

    @Test
    void anImageMustFit() {
        assertThatThrownBy(() -> new BlockDevice(bench.clock, bench.pic, bench.dma, 1,
                new byte[513])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlockDevice(bench.clock, bench.pic, bench.dma, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itsStateIsItsRegistersContentsAndRequestsAndARestoredDiskCompletesTheRequestInFlight() {
        request(BlockDevice.COMMAND_WRITE, 1, 1, 0x3000);
        bench.run(1100);
        bench.takeInterrupt();
        bench.memory.write(0x2000, new byte[512]);
        request(BlockDevice.COMMAND_READ, 2, 2, 0x2000);
        disk.out(SECTOR, 9);
        bench.run(500);
        BlockDevice.State state = disk.state();
        assertThat(state.status()).isEqualTo(BlockDevice.STATUS_BUSY);
        assertThat(state.sector()).isEqualTo(9);
        assertThat(state.requests()).isEqualTo(disk.requests());
        assertThat(state.digest()).isEqualTo(disk.digest());

        Bench other = new Bench();
        BlockDevice restored = new BlockDevice(other.clock, other.pic, other.dma, 16);
        other.restoreFrom(bench);
        restored.restore(state);
        assertThat(restored.state()).isEqualTo(state);

        bench.run(1000);
        other.run(1000);
        assertThat(restored.state()).isEqualTo(disk.state());
        assertThat(restored.requests()).hasSize(2);
        assertThat(other.memory.read(0x2000, 1024)).isEqualTo(Arrays.copyOfRange(image, 1024, 2048));
        assertThat(other.clock.state()).isEqualTo(bench.clock.state());
    }

    @Test
    void aStateOfADiskOfAnotherSizeIsRefused() {
        BlockDevice small = new BlockDevice(new Bench().clock, bench.pic, bench.dma, 4);
        assertThatThrownBy(() -> disk.restore(small.state()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 sectors");
    }

    @Test
    void aBusyDiskWithoutItsRequestOnTheClockIsRefused() {
        Bench other = new Bench();
        BlockDevice idle = new BlockDevice(other.clock, other.pic, other.dma, 16);
        request(BlockDevice.COMMAND_READ, 0, 1, 0x2000);

        assertThatThrownBy(() -> idle.restore(disk.state()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request in flight");
    }
}
