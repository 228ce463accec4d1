package org.vmlab.vmm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/**
 * A guest's pages as a value carry the backed frames and the ballooned ones, nothing of the
 * frames never touched, and put back into a fresh memory give the same bytes, the same balloon
 * and the same digest.
 */
class GuestPagesTest {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;

    @Test
    void backedAndBalloonedFramesGoBackAsTheyWereAndUntouchedOnesStayUntouched() {
        GuestPhysicalMemory source = memory();
        source.writeWord(0, 0x1234_5678);
        source.writeWord(3 * PAGE + 8, 0xCAFE_F00D);
        source.writeWord(5 * PAGE, 1);
        source.balloon(5);
        source.balloon(9);

        GuestPages pages = GuestPages.of(source);
        GuestPhysicalMemory destination = memory();
        pages.restoreInto(destination);

        assertThat(pages.backed().keySet()).containsExactly(0, 3);
        assertThat(pages.ballooned()).containsExactly(5, 9);
        assertThat(destination.readWord(3 * PAGE + 8)).isEqualTo(0xCAFE_F00D);
        assertThat(destination.isBallooned(5)).isTrue();
        assertThat(destination.isBallooned(9)).isTrue();
        assertThat(destination.framesInUse()).isEqualTo(2);
        assertThat(destination.digest()).isEqualTo(source.digest()).isEqualTo(pages.digest());
        assertThat(GuestPages.of(destination)).isEqualTo(pages);
    }

    @Test
    void pagesOfAnotherSizeOfMemoryAreRefused() {
        GuestPages pages = GuestPages.of(memory());
        GuestPhysicalMemory bigger = new GuestPhysicalMemory("vm", 32 * PAGE, 32,
                new MachineFrames(new PhysicalMemory(64 * PAGE), 0));

        assertThatThrownBy(() -> pages.restoreInto(bigger)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pages of 16 guest frames do not fit a memory of 32");
    }

    @Test
    void aFrameBothBackedAndBalloonedOrBeyondTheMemoryIsRefused() {
        assertThatThrownBy(() -> new GuestPages(16, Map.of(2, new byte[PAGE]), new int[] {2}, "d"))
                .hasMessageContaining("both backed and ballooned");
        assertThatThrownBy(() -> new GuestPages(16, Map.of(16, new byte[PAGE]), new int[0], "d"))
                .hasMessageContaining("beyond the 16 frames");
        assertThatThrownBy(() -> new GuestPages(16, Map.of(1, new byte[PAGE - 1]), new int[0], "d"))
                .hasMessageContaining("not a page");
    }

    private static GuestPhysicalMemory memory() {
        return new GuestPhysicalMemory("vm", 16 * PAGE, 16, new MachineFrames(new PhysicalMemory(32 * PAGE), 0));
    }
}
