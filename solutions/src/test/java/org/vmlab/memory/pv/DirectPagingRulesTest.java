package org.vmlab.memory.pv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.Pte;

/**
 * The rules of direct paging: what a pinned page table or directory may hold, and what frame may
 * be pinned. Frames 0x10.. are the VM's; 0x50 another VM's; 0xF0000 a device page.
 */
class DirectPagingRulesTest {
    private static final int P = Pte.PRESENT;
    private static final int W = Pte.WRITABLE;
    private static final int U = Pte.USER;
    private static final int DATA = 0x10;
    private static final int TABLE = 0x11;
    private static final int DIRECTORY = 0x12;
    private static final int FOREIGN = 0x50;
    private static final int DEVICE = 0xF0000;

    private final PageTableValidator rules = new org.vmlab.labs.lab4.DirectPagingRules();
    private final FakeFrames frames = new FakeFrames().own(DATA, 0x13).pinned(TABLE, PageType.L1)
            .pinned(DIRECTORY, PageType.L2);

    {
        frames.devicePages.add(DEVICE);
    }

    private static int entry(int mfn, int bits) {
        return mfn << 12 | bits;
    }

    @Test
    void anEntryThatIsNotPresentIsAlwaysValid() {
        assertThat(rules.l1Entry(frames, entry(FOREIGN, W | U))).isTrue();
        assertThat(rules.l2Entry(frames, entry(FOREIGN, W | U | PageTableValidator.LARGE_PAGE))).isTrue();
    }

    @Test
    void aPageTableEntryMayMapTheVmsOwnFramesAsItLikes() {
        assertThat(rules.l1Entry(frames, entry(DATA, P))).isTrue();
        assertThat(rules.l1Entry(frames, entry(DATA, P | W | U))).isTrue();
    }

    @Test
    void aPageTableEntryMayNotMapAFrameTheVmDoesNotOwn() {
        assertThat(rules.l1Entry(frames, entry(FOREIGN, P))).as("another VM's, or the hypervisor's").isFalse();
        assertThat(rules.l1Entry(frames, entry(0x7FFFF, P))).as("any other machine address").isFalse();
    }

    @Test
    void aPageTableEntryMayMapADevicePageWhoseAccessesTrap() {
        assertThat(rules.l1Entry(frames, entry(DEVICE, P | W))).isTrue();
    }

    @Test
    void aPinnedFrameMayBeMappedOnlyReadOnlyAndForTheKernel() {
        assertThat(rules.l1Entry(frames, entry(TABLE, P))).isTrue();
        assertThat(rules.l1Entry(frames, entry(DIRECTORY, P))).isTrue();
        assertThat(rules.l1Entry(frames, entry(TABLE, P | W))).as("writable").isFalse();
        assertThat(rules.l1Entry(frames, entry(DIRECTORY, P | U))).as("for user code").isFalse();
    }

    @Test
    void aDirectoryEntryPointsAtAPinnedPageTableAndMapsNoLargePage() {
        assertThat(rules.l2Entry(frames, entry(TABLE, P | W | U))).isTrue();
        assertThat(rules.l2Entry(frames, entry(DATA, P))).as("a frame not pinned").isFalse();
        assertThat(rules.l2Entry(frames, entry(DIRECTORY, P))).as("a directory, not a table").isFalse();
        assertThat(rules.l2Entry(frames, entry(FOREIGN, P))).as("another VM's").isFalse();
        assertThat(rules.l2Entry(frames, entry(TABLE, P | PageTableValidator.LARGE_PAGE))).as("a 4 MiB page").isFalse();
    }

    @Test
    void aFrameIsPinnedWhenEveryEntryIsValidForItsType() {
        int[] table = new int[FrameTable.ENTRIES];
        table[0] = entry(DATA, P | W);
        table[1] = entry(TABLE, P);
        assertThat(rules.frame(frames, 0x13, PageType.L1, table)).isTrue();
        assertThat(rules.frame(frames, 0x13, PageType.L2, table)).as("as a directory, DATA is no table").isFalse();

        table[2] = entry(FOREIGN, P);
        assertThat(rules.frame(frames, 0x13, PageType.L1, table)).isFalse();
    }

    @Test
    void aPageTableBeingPinnedMayMapItselfOnlyReadOnly() {
        int[] table = new int[FrameTable.ENTRIES];
        table[5] = entry(0x13, P);
        assertThat(rules.frame(frames, 0x13, PageType.L1, table)).isTrue();
        table[5] = entry(0x13, P | W);
        assertThat(rules.frame(frames, 0x13, PageType.L1, table)).isFalse();
        table[5] = entry(0x13, P | U);
        assertThat(rules.frame(frames, 0x13, PageType.L1, table)).isFalse();
    }

    @Test
    void aFrameMappedWritableByAPinnedTableCannotBePinned() {
        frames.writable.put(0x13, 1);
        assertThat(rules.frame(frames, 0x13, PageType.L1, new int[FrameTable.ENTRIES])).isFalse();
        assertThat(rules.frame(frames, 0x13, PageType.L2, new int[FrameTable.ENTRIES])).isFalse();
    }
}
