package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.PhysicalMemory;

/** The VMM's allocator of machine frames: every frame free or owned by exactly one owner. */
class MachineFramesTest {
    private final PhysicalMemory memory = new PhysicalMemory(8 * PhysicalMemory.PAGE_SIZE);
    private final MachineFrames frames = new MachineFrames(memory, 2);

    @Test
    void theReservedFramesAreNeverHandedOutAndBelongToNoOne() {
        assertThat(frames.freeFrames()).isEqualTo(6);
        for (int n = 0; n < 6; n++) {
            assertThat(frames.allocate("a")).isBetween(2, 7);
        }
        assertThat(frames.owner(0)).isNull();
        assertThat(frames.owner(1)).isNull();
        assertThatThrownBy(() -> frames.claim(1, "a")).isInstanceOf(MachineFrames.OutOfMachineMemory.class)
                .hasMessage("machine frame 1 is not free for a");
    }

    @Test
    void anAllocatedFrameIsZeroedAndRecordsItsOwner() {
        for (int pa = 0; pa < memory.size(); pa += 4) {
            memory.writeWord(pa, 0xDEAD_BEEF);
        }

        int frame = frames.allocate("vm1");

        assertThat(frames.owner(frame)).isEqualTo("vm1");
        assertThat(frames.freeFrames()).isEqualTo(5);
        for (int i = 0; i < PhysicalMemory.PAGE_SIZE; i += 4) {
            assertThat(memory.readWord(frame * PhysicalMemory.PAGE_SIZE + i)).isZero();
        }
    }

    @Test
    void aParticularFrameCanBeClaimedOnlyWhileItIsFree() {
        assertThat(frames.claim(5, "vm1")).isEqualTo(5);
        assertThat(frames.owner(5)).isEqualTo("vm1");

        assertThatThrownBy(() -> frames.claim(5, "vm2")).isInstanceOf(MachineFrames.OutOfMachineMemory.class)
                .hasMessage("machine frame 5 is not free for vm2 (it belongs to vm1)");
        assertThatThrownBy(() -> frames.claim(8, "vm2")).hasMessage("machine frame 8 is not free for vm2");
        assertThatThrownBy(() -> frames.claim(-1, "vm2")).hasMessage("machine frame -1 is not free for vm2");
        for (int n = 0; n < 5; n++) {
            assertThat(frames.allocate("vm2")).as("allocation skips the claimed frame").isNotEqualTo(5);
        }
    }

    @Test
    void aReleasedFrameIsFreeAgainAndReleasingAFreeFrameIsABug() {
        int frame = frames.allocate(MachineFrames.VMM);

        frames.release(frame);

        assertThat(frames.owner(frame)).isNull();
        assertThat(frames.freeFrames()).isEqualTo(6);
        assertThatThrownBy(() -> frames.release(frame)).isInstanceOf(IllegalStateException.class)
                .hasMessage("machine frame " + frame + " is not allocated");
        assertThat(frames.claim(frame, "vm1")).isEqualTo(frame);
    }

    @Test
    void whenEveryFrameIsTakenTheNextAllocationSaysForWhomAndHowManyThereAre() {
        for (int n = 0; n < 6; n++) {
            frames.allocate("vm1");
        }

        assertThatThrownBy(() -> frames.allocate("vm2")).isInstanceOf(MachineFrames.OutOfMachineMemory.class)
                .hasMessage("no free machine frame for vm2 (8 frames in all)");

        frames.release(4);
        assertThat(frames.allocate("vm2")).as("the one frame given back").isEqualTo(4);
        assertThat(frames.owner(4)).isEqualTo("vm2");
    }

    @Test
    void ownerOfAFrameOutsideTheMachineIsNobody() {
        assertThat(frames.owner(-1)).isNull();
        assertThat(frames.owner(8)).isNull();
        assertThat(frames.memory()).isSameAs(memory);
    }
}
