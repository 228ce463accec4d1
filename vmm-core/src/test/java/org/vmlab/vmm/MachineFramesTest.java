package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * The VMM's allocator of machine frames: every frame free or owned by exactly one owner, with a
 * count of the entries that map it; a shared frame is freed with its last reference.
 */
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
    // --- reference counts ------------------------------------------------------------------------

    @Test
    void aFrameHandedOutHasOneReferenceAndAFreeFrameNone() {
        int frame = frames.allocate("vm1");

        assertThat(frames.references(frame)).isEqualTo(1);
        assertThat(frames.references(frames.claim(6, "vm1"))).isEqualTo(1);
        assertThat(frames.references(0)).as("reserved").isZero();
        assertThat(frames.references(-1)).isZero();
        assertThat(frames.isShared(frame)).isFalse();
    }

    @Test
    void aSharedFrameBelongsToNoVmAndIsFreedOnlyWithItsLastReference() {
        int frame = frames.allocate("vm1");
        frames.share(frame);
        frames.share(frame);

        assertThat(frames.references(frame)).isEqualTo(3);
        assertThat(frames.owner(frame)).isEqualTo(MachineFrames.SHARED);
        assertThat(frames.isShared(frame)).isTrue();

        frames.release(frame);
        frames.release(frame);
        assertThat(frames.references(frame)).isEqualTo(1);
        assertThat(frames.freeFrames()).as("still referenced").isEqualTo(5);

        frames.release(frame);
        assertThat(frames.owner(frame)).isNull();
        assertThat(frames.freeFrames()).isEqualTo(6);
    }

    @Test
    void theLastReferenceToASharedFrameCanMakeItPrivateAgainButNotBefore() {
        int frame = frames.allocate("vm1");
        frames.share(frame);

        assertThatThrownBy(() -> frames.makePrivate(frame, "vm2")).isInstanceOf(IllegalStateException.class)
                .hasMessage("machine frame " + frame + " has 2 references: only a frame with one can become private");
        frames.release(frame);
        frames.makePrivate(frame, "vm2");

        assertThat(frames.owner(frame)).isEqualTo("vm2");
        assertThat(frames.isShared(frame)).isFalse();
    }

    @Test
    void aCopyHasTheFramesBytesAndAReferenceOfItsOwn() {
        int frame = frames.allocate("vm1");
        memory.writeWord(frame * PhysicalMemory.PAGE_SIZE + 8, 0x1234);
        memory.writeWord(frame * PhysicalMemory.PAGE_SIZE + PhysicalMemory.PAGE_SIZE - 4, 0x5678);
        frames.share(frame);

        int copy = frames.copyOf(frame, "vm2");

        assertThat(copy).isNotEqualTo(frame);
        assertThat(frames.owner(copy)).isEqualTo("vm2");
        assertThat(frames.references(copy)).isEqualTo(1);
        assertThat(memory.readWord(copy * PhysicalMemory.PAGE_SIZE + 8)).isEqualTo(0x1234);
        assertThat(memory.readWord(copy * PhysicalMemory.PAGE_SIZE + PhysicalMemory.PAGE_SIZE - 4)).isEqualTo(0x5678);
        assertThat(frames.references(frame)).as("the copy takes no reference from the original").isEqualTo(2);
    }

    @Test
    void theVmmsOwnFramesAreNeverSharedNorIsAFreeFrame() {
        int frame = frames.allocate(MachineFrames.VMM);

        assertThatThrownBy(() -> frames.share(frame)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("machine frame " + frame + " is the VMM's own: it is never shared");
        assertThatThrownBy(() -> frames.share(7)).isInstanceOf(IllegalStateException.class)
                .hasMessage("machine frame 7 is not allocated");
        assertThatThrownBy(() -> frames.copyOf(7, "vm1")).hasMessage("machine frame 7 is not allocated");
    }
}
