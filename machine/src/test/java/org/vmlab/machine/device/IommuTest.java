package org.vmlab.machine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vmlab.machine.device.Iommu.BASE;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.device.IommuFault.Access;
import org.vmlab.machine.device.IommuFault.Reason;
import org.vmlab.machine.isa.Vector;

/**
 * The IOMMU as the VMM programs it through its ports: context table, I/O page tables, IOTLB,
 * fault log, its interrupt and interrupt remapping ({@code docs/devices.md}, "IOMMU").
 */
class IommuTest {
    static final int CONTEXT_TABLE = 0x1000;
    static final int DIRECTORY = 0x2000;
    static final int TABLE = 0x3000;
    static final int REMAPPING_TABLE = 0x4000;
    static final int FRAME_A = 0x8000;
    static final int FRAME_B = 0x9000;
    static final int RW = Iommu.READ | Iommu.WRITE;

    private final Bench bench = new Bench();
    private final Iommu iommu = new Iommu(bench.memory, bench.pic);
    private final DmaSpace disk = iommu.dmaFor(Iommu.SOURCE_DISK);
    private final DmaSpace nic = iommu.dmaFor(Iommu.SOURCE_NIC);

    {
        bench.io.attach(BASE, Iommu.PORTS, iommu);
    }

    /** The disk's context entry names DIRECTORY, whose first entry names TABLE with read and write. */
    private void diskTables() {
        bench.memory.writeWord(CONTEXT_TABLE + 4 * Iommu.SOURCE_DISK, DIRECTORY | Iommu.CONTEXT_PRESENT);
        bench.memory.writeWord(DIRECTORY, TABLE | RW);
        out(Iommu.RTADDR, CONTEXT_TABLE);
    }

    /** Maps I/O page {@code page} (in the first 4 MiB) of the disk to {@code frame}. */
    private void map(int page, int frame, int permissions) {
        bench.memory.writeWord(TABLE + 4 * page, frame | permissions);
    }

    private void enable(int bits) {
        out(Iommu.GCMD, bits);
    }

    private void out(int register, int value) {
        bench.io.out(BASE + register, value);
    }

    private int in(int register) {
        return bench.io.in(BASE + register);
    }

    @Test
    void afterResetDmaGoesStraightToRamAsWithoutAnIommu() throws DmaFault {
        assertThat(in(Iommu.GCMD)).isZero();
        disk.write(0x5000, new byte[] {1, 2, 3});
        assertThat(bench.memory.read(0x5000, 3)).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> disk.read(bench.memory.size() - 2, 4))
                .isInstanceOf(DmaFault.class)
                .hasMessage(catchMessage(() -> bench.dma.read(bench.memory.size() - 2, 4)));
        assertThat(iommu.faults()).as("the memory refused it, not the IOMMU").isEmpty();
        assertThat(bench.pic.pending()).isZero();
    }

    @Test
    void translatesEachDeviceAddressThroughItsOwnPageTables() throws DmaFault {
        diskTables();
        map(0, FRAME_A, RW);
        map(1, FRAME_B, RW);
        enable(Iommu.TE);

        disk.write(0x0FFE, new byte[] {1, 2, 3, 4});   // straddles I/O pages 0 and 1
        assertThat(bench.memory.read(FRAME_A + 0xFFE, 2)).containsExactly(1, 2);
        assertThat(bench.memory.read(FRAME_B, 2)).containsExactly(3, 4);
        assertThat(bench.memory.read(0x0FFE, 4)).as("not the untranslated address").containsOnly(0);
        assertThat(disk.read(0x0FFE, 4)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aReadOnlyPageCanBeReadButNotWritten() throws DmaFault {
        diskTables();
        map(0, FRAME_A, Iommu.READ);
        enable(Iommu.TE);
        bench.memory.writeWord(FRAME_A + 8, 0x1234_5678);

        assertThat(disk.readWord(8)).isEqualTo(0x1234_5678);
        assertThatThrownBy(() -> disk.writeWord(8, 0)).isInstanceOf(DmaFault.class)
                .hasMessageContaining("NO_WRITE");
        assertThat(bench.memory.readWord(FRAME_A + 8)).isEqualTo(0x1234_5678);
        assertThat(iommu.faults()).containsExactly(new IommuFault(Iommu.SOURCE_DISK, 8, Access.WRITE, Reason.NO_WRITE));
    }

    @Test
    void aBlockedWriteToAnotherRegionMovesNothingAndIsLoggedWithDeviceAddressAndAccess() {
        diskTables();
        map(0, FRAME_A, RW);   // page 1 is not mapped
        enable(Iommu.TE);

        assertThatThrownBy(() -> disk.write(0x0FF0, new byte[0x20])).isInstanceOf(DmaFault.class);
        assertThat(bench.memory.read(FRAME_A + 0xFF0, 0x10)).as("all or nothing").containsOnly(0);

        assertThat(in(Iommu.FSTS)).as("one record").isEqualTo(1);
        out(Iommu.FRCD_INDEX, 0);
        assertThat(in(Iommu.FRCD_INFO)).isEqualTo(Iommu.SOURCE_DISK | 1 << 8 | 0x5 << 16);
        assertThat(in(Iommu.FRCD_ADDRESS)).as("the first address refused").isEqualTo(0x1000);
        assertThat(bench.takeInterrupt()).isEqualTo(Vector.IRQ_BASE + Iommu.LINE);

        out(Iommu.FSTS, 0);
        assertThat(in(Iommu.FSTS)).isZero();
        assertThat(in(Iommu.FRCD_INFO)).isEqualTo(IoBus.FLOATING);
    }

    @Test
    void aDeviceWithoutAContextEntryReachesNothingWhileAnotherDoesItsDma() throws DmaFault {
        diskTables();
        map(0, FRAME_A, RW);
        enable(Iommu.TE);

        disk.writeWord(0, 7);
        assertThatThrownBy(() -> nic.readWord(0)).isInstanceOf(DmaFault.class);
        assertThat(iommu.faults()).containsExactly(
                new IommuFault(Iommu.SOURCE_NIC, 0, Access.READ, Reason.CONTEXT_NOT_PRESENT));
    }

    @Test
    void theIotlbKeepsAnOldTranslationUntilItIsInvalidated() throws DmaFault {
        diskTables();
        map(0, FRAME_A, RW);
        enable(Iommu.TE);
        disk.writeWord(0, 1);

        map(0, FRAME_B, RW);
        disk.writeWord(4, 2);
        assertThat(bench.memory.readWord(FRAME_A + 4)).as("stale: the IOTLB still says A").isEqualTo(2);

        out(Iommu.IOTLB_INVALIDATE, Iommu.IIRG_DEVICE | Iommu.SOURCE_NIC << 8);
        disk.writeWord(8, 3);
        assertThat(bench.memory.readWord(FRAME_A + 8)).as("another device's invalidation").isEqualTo(3);

        out(Iommu.IOTLB_INVALIDATE, Iommu.IIRG_DEVICE | Iommu.SOURCE_DISK << 8);
        disk.writeWord(12, 4);
        assertThat(bench.memory.readWord(FRAME_B + 12)).isEqualTo(4);
        assertThat(bench.memory.readWord(FRAME_A + 12)).isZero();

        map(0, FRAME_A, RW);
        out(Iommu.IOTLB_INVALIDATE, Iommu.IIRG_GLOBAL);
        assertThat(disk.readWord(8)).as("after a global invalidation").isEqualTo(3);
        assertThat(iommu.iotlbHits()).isPositive();
    }

    @Test
    void aRevokedPermissionStillServesFromTheIotlbUntilInvalidation() throws DmaFault {
        diskTables();
        map(0, FRAME_A, RW);
        enable(Iommu.TE);
        disk.writeWord(0, 1);

        map(0, 0, 0);
        disk.writeWord(0, 2);
        assertThat(bench.memory.readWord(FRAME_A)).isEqualTo(2);
        out(Iommu.IOTLB_INVALIDATE, Iommu.IIRG_GLOBAL);
        assertThatThrownBy(() -> disk.writeWord(0, 3)).isInstanceOf(DmaFault.class);
        assertThat(bench.memory.readWord(FRAME_A)).isEqualTo(2);
    }

    @Test
    void aGrantedPermissionTakesEffectWithoutInvalidation() throws DmaFault {
        diskTables();
        map(0, FRAME_A, Iommu.READ);
        enable(Iommu.TE);
        disk.readWord(0);   // cached read-only

        map(0, FRAME_A, RW);
        disk.writeWord(0, 5);
        assertThat(bench.memory.readWord(FRAME_A)).as("the cached entry did not permit it: walked again")
                .isEqualTo(5);
    }

    @Test
    void hostileProgrammingFaultsAndNeverThrowsAnythingElse() {
        enable(Iommu.TE);
        out(Iommu.RTADDR, 0xFFFF_F000);   // a context table outside RAM
        assertThatThrownBy(() -> disk.readWord(0)).isInstanceOf(DmaFault.class);

        out(Iommu.RTADDR, CONTEXT_TABLE);
        bench.memory.writeWord(CONTEXT_TABLE + 4 * Iommu.SOURCE_DISK, DIRECTORY | 0x10 | Iommu.CONTEXT_PRESENT);
        assertThatThrownBy(() -> disk.readWord(0)).isInstanceOf(DmaFault.class);

        bench.memory.writeWord(CONTEXT_TABLE + 4 * Iommu.SOURCE_DISK, 0xFFFF_0000 | Iommu.CONTEXT_PRESENT);
        assertThatThrownBy(() -> disk.readWord(0)).isInstanceOf(DmaFault.class);

        bench.memory.writeWord(CONTEXT_TABLE + 4 * Iommu.SOURCE_DISK, DIRECTORY | Iommu.CONTEXT_PRESENT);
        bench.memory.writeWord(DIRECTORY, TABLE | 0x40 | RW);
        assertThatThrownBy(() -> disk.readWord(0)).isInstanceOf(DmaFault.class);

        assertThatThrownBy(() -> disk.read(0xFFFF_FFF0, 0x20)).isInstanceOf(DmaFault.class);

        assertThat(iommu.faults()).extracting(IommuFault::reason).containsExactly(
                Reason.CONTEXT_TABLE_ACCESS, Reason.CONTEXT_RESERVED, Reason.PAGE_TABLE_ACCESS,
                Reason.PAGE_TABLE_RESERVED, Reason.ADDRESS_BEYOND);
    }

    @Test
    void aDirectoryThatNamesItselfIsWalkedTwoLevelsAndNoMore() throws DmaFault {
        bench.memory.writeWord(CONTEXT_TABLE + 4 * Iommu.SOURCE_DISK, DIRECTORY | Iommu.CONTEXT_PRESENT);
        bench.memory.writeWord(DIRECTORY, DIRECTORY | RW);   // the directory is its own table
        out(Iommu.RTADDR, CONTEXT_TABLE);
        enable(Iommu.TE);

        assertThat(disk.readWord(0)).as("I/O page 0 is the directory itself")
                .isEqualTo(DIRECTORY | RW);
        assertThatThrownBy(() -> disk.readWord(0x1000)).isInstanceOf(DmaFault.class);
    }

    @Test
    void theLogKeepsEightRecordsAndThenSaysItOverflowed() {
        enable(Iommu.TE);
        out(Iommu.RTADDR, CONTEXT_TABLE);
        for (int i = 0; i < 10; i++) {
            int address = i * 4;
            assertThatThrownBy(() -> disk.readWord(address)).isInstanceOf(DmaFault.class);
        }
        assertThat(in(Iommu.FSTS)).isEqualTo(Iommu.FAULT_RECORDS | Iommu.FSTS_OVERFLOW);
        assertThat(iommu.faultsDropped()).isEqualTo(2);
        out(Iommu.FRCD_INDEX, 7);
        assertThat(in(Iommu.FRCD_ADDRESS)).isEqualTo(28);
    }

    @Test
    void interruptRemappingDeliversADevicesInterruptOnTheLineItsEntryNames() {
        InterruptSink diskLine = iommu.interruptsFor(Iommu.SOURCE_DISK);
        InterruptSink nicLine = iommu.interruptsFor(Iommu.SOURCE_NIC);
        diskLine.request(BlockDevice.LINE);
        assertThat(bench.pic.pending()).as("remapping off: as raised").isEqualTo(1 << BlockDevice.LINE);
        bench.pic.withdraw(BlockDevice.LINE);

        bench.memory.writeWord(REMAPPING_TABLE + 4 * Iommu.SOURCE_DISK, 6 << Iommu.IRTE_LINE_SHIFT | Iommu.IRTE_PRESENT);
        out(Iommu.IRTA, REMAPPING_TABLE);
        enable(Iommu.IRE);

        diskLine.request(BlockDevice.LINE);
        assertThat(bench.pic.pending()).isEqualTo(1 << 6);
        diskLine.withdraw(BlockDevice.LINE);
        assertThat(bench.pic.pending()).isZero();

        nicLine.request(NetworkInterface.LINE);   // no entry: blocked, and recorded
        assertThat(bench.pic.pending()).isEqualTo(1 << Iommu.LINE);
        assertThat(iommu.faults()).containsExactly(new IommuFault(Iommu.SOURCE_NIC, NetworkInterface.LINE,
                Access.INTERRUPT, Reason.IRTE_NOT_PRESENT));
    }

    @Test
    void postedInterruptsReachTheOwnersControllerAndNotTheMachines() {
        InterruptController vmPic = new InterruptController();
        InterruptSink nicLine = iommu.interruptsFor(Iommu.SOURCE_NIC, vmPic);
        nicLine.request(NetworkInterface.LINE);
        assertThat(vmPic.pending()).as("remapping off: on the owner's controller as raised").isEqualTo(1 << NetworkInterface.LINE);
        vmPic.withdraw(NetworkInterface.LINE);

        bench.memory.writeWord(REMAPPING_TABLE + 4 * Iommu.SOURCE_NIC, 3 << Iommu.IRTE_LINE_SHIFT | Iommu.IRTE_PRESENT);
        out(Iommu.IRTA, REMAPPING_TABLE);
        enable(Iommu.IRE);
        nicLine.request(NetworkInterface.LINE);

        assertThat(vmPic.pending()).isEqualTo(1 << 3);
        assertThat(bench.pic.pending()).as("the machine's controller never saw it").isZero();
        nicLine.withdraw(NetworkInterface.LINE);
        assertThat(vmPic.pending()).isZero();

        iommu.interruptsFor(Iommu.SOURCE_DISK, vmPic).request(BlockDevice.LINE);   // no entry: blocked
        assertThat(vmPic.pending()).isZero();
        assertThat(bench.pic.pending()).as("the fault is the machine's").isEqualTo(1 << Iommu.LINE);
    }

    @Test
    void aBadRemappingTableBlocksTheInterruptWithAFault() {
        out(Iommu.IRTA, 0xFFFF_F000);
        enable(Iommu.IRE);
        iommu.interruptsFor(Iommu.SOURCE_DISK).request(BlockDevice.LINE);
        iommu.interruptsFor(Iommu.SOURCE_DISK).withdraw(BlockDevice.LINE);

        out(Iommu.IRTA, REMAPPING_TABLE);
        bench.memory.writeWord(REMAPPING_TABLE + 4 * Iommu.SOURCE_DISK, 0x80 | Iommu.IRTE_PRESENT);
        iommu.interruptsFor(Iommu.SOURCE_DISK).request(BlockDevice.LINE);

        assertThat(bench.pic.pending()).isEqualTo(1 << Iommu.LINE);
        assertThat(iommu.faults()).extracting(IommuFault::reason)
                .containsExactly(Reason.IRT_ACCESS, Reason.IRTE_RESERVED);
    }

    @Test
    void theDiskBehindTheIommuReportsABlockedRequestAsItsErrorStatus() {
        Board board = Board.withIommu(bench.memory, DeviceConfig.defaults());
        Iommu machineIommu = board.iommu().orElseThrow();
        board.io().out(BASE + Iommu.RTADDR, CONTEXT_TABLE);   // no entry for the disk
        board.io().out(BASE + Iommu.GCMD, Iommu.TE);
        board.io().out(BlockDevice.BASE + 2, FRAME_A);
        board.io().out(BlockDevice.BASE + 1, 1);
        board.io().out(BlockDevice.BASE + 3, BlockDevice.COMMAND_READ);
        board.clock().advanceTo(BlockDevice.BASE_LATENCY + BlockDevice.LATENCY_PER_SECTOR);
        board.clock().runDue();

        assertThat(board.io().in(BlockDevice.BASE + 4)).isEqualTo(BlockDevice.STATUS_ERROR);
        assertThat(board.standard().diskRequests().get(0).ok()).isFalse();
        assertThat(machineIommu.faults()).containsExactly(
                new IommuFault(Iommu.SOURCE_DISK, FRAME_A, Access.WRITE, Reason.CONTEXT_NOT_PRESENT));
        assertThat(board.pic().pending()).isEqualTo(1 << BlockDevice.LINE | 1 << Iommu.LINE);
    }

    @Test
    void sourceIdsAreEightBits() {
        assertThatThrownBy(() -> iommu.dmaFor(256)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String catchMessage(ThrowingRead read) {
        try {
            read.run();
            throw new AssertionError("expected a DMA fault");
        } catch (DmaFault fault) {
            return fault.getMessage();
        }
    }

    private interface ThrowingRead {
        void run() throws DmaFault;
    }
}
