package org.vmlab.memory.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.Pte;

/**
 * The frame table: each frame's type, and the counts that the hypercalls consult: how many
 * pinned directories point at a page table (and whether a directory is the base pointer), and how
 * many pinned page tables map a frame writable.
 */
class FrameTableTest {
    private static final int P = Pte.PRESENT;
    private static final int W = Pte.WRITABLE;

    private final FrameTable table = new FrameTable(64);

    private static int[] entries(int... pairs) {
        int[] entries = new int[FrameTable.ENTRIES];
        for (int i = 0; i < pairs.length; i += 2) {
            entries[pairs[i]] = pairs[i + 1];
        }
        return entries;
    }

    @Test
    void aFrameIsOrdinaryMemoryUntilPinned() {
        assertThat(table.type(5)).isEqualTo(PageType.NONE);
        assertThat(table.pinned(5)).isFalse();
        assertThat(table.type(1 << 20)).as("beyond the machine's RAM").isEqualTo(PageType.NONE);
        assertThat(table.base()).isEqualTo(FrameTable.NO_BASE);
    }

    @Test
    void aPinnedPageTableCountsTheFramesItMapsWritable() {
        table.pin(10, PageType.L1, entries(0, 20 << 12 | P | W, 1, 20 << 12 | P | W, 2, 21 << 12 | P, 3, 22 << 12 | W));

        assertThat(table.type(10)).isEqualTo(PageType.L1);
        assertThat(table.writableMappings(20)).isEqualTo(2);
        assertThat(table.writableMappings(21)).as("read-only").isZero();
        assertThat(table.writableMappings(22)).as("not present").isZero();
        assertThat(table.entry(10, 0)).isEqualTo(20 << 12 | P | W);
    }

    @Test
    void aPinnedDirectoryPutsThePageTablesItPointsAtInUse() {
        table.pin(10, PageType.L1, entries());
        table.pin(11, PageType.L2, entries(0, 10 << 12 | P, 7, 10 << 12 | P | W));

        assertThat(table.inUse(10)).isEqualTo(2);
        assertThat(table.writableMappings(10)).as("a directory entry is no mapping of a page").isZero();
    }

    @Test
    void theBasePointerPutsItsDirectoryInUseAndTheOldOneOutOfIt() {
        table.pin(11, PageType.L2, entries());
        table.pin(12, PageType.L2, entries());

        table.setBase(11);
        assertThat(table.inUse(11)).isEqualTo(1);
        table.setBase(12);
        assertThat(table.inUse(11)).isZero();
        assertThat(table.inUse(12)).isEqualTo(1);
        assertThat(table.base()).isEqualTo(12);
    }

    @Test
    void changingAnEntryMovesItsCountFromTheOldFrameToTheNew() {
        table.pin(10, PageType.L1, entries(0, 20 << 12 | P | W));

        table.setEntry(10, 0, 21 << 12 | P | W);

        assertThat(table.writableMappings(20)).isZero();
        assertThat(table.writableMappings(21)).isEqualTo(1);
    }

    @Test
    void unpinningGivesBackWhatTheFrameHeld() {
        table.pin(10, PageType.L1, entries(0, 20 << 12 | P | W));
        table.pin(11, PageType.L2, entries(0, 10 << 12 | P));

        table.unpin(11);
        table.unpin(10);

        assertThat(table.inUse(10)).isZero();
        assertThat(table.writableMappings(20)).isZero();
        assertThat(table.pinnedFrames()).isEmpty();
    }

    @Test
    void aDevicePageBeyondTheMachinesFramesIsNotCounted() {
        table.pin(10, PageType.L1, entries(0, 0xF0000 << 12 | P | W));

        assertThat(table.writableMappings(0xF0000)).isZero();
    }

    @Test
    void whatTheHypercallsMustRefuseFirstIsTheHypervisorsErrorHere() {
        table.pin(10, PageType.L1, entries());
        table.pin(11, PageType.L2, entries(0, 10 << 12 | P));

        assertThatThrownBy(() -> table.pin(10, PageType.L1, entries())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> table.unpin(10)).as("in use").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> table.unpin(12)).as("not pinned").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> table.setBase(10)).as("not a directory").isInstanceOf(IllegalStateException.class);
    }
}
