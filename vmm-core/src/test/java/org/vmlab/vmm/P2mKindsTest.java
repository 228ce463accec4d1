package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.device.BoundedDma;
import org.vmlab.machine.device.DmaFault;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * The kinds of p2m entries: absent (never touched), RAM (a private machine frame), shared
 * copy-on-write (one machine frame, read-only, behind guest frames of the same contents, of one
 * VM or several), and ballooned (given back by the guest, its frame reclaimed). Writes by the VMM
 * and by DMA always land in a private frame; the other sharers never see them.
 */
class P2mKindsTest {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;

    private final MachineFrames frames = new MachineFrames(new PhysicalMemory(32 * PAGE), 0);
    private final GuestPhysicalMemory a = new GuestPhysicalMemory("a", 8 * PAGE, 8, frames);
    private final GuestPhysicalMemory b = new GuestPhysicalMemory("b", 8 * PAGE, 8, frames);

    /** Backs guest frame {@code gfn} of {@code memory} with {@code value} in its first word. */
    private static void fill(GuestPhysicalMemory memory, int gfn, int value) {
        memory.writeWord(gfn * PAGE, value);
    }

    // --- absent ----------------------------------------------------------------------------------

    @Test
    void anAbsentFrameReadsAsZerosIsWritableAndItsFirstUseMakesItRam() {
        assertThat(a.entry(2)).isEqualTo(P2mEntry.ABSENT);
        assertThat(a.readWord(0x2000)).isZero();
        assertThat(a.isWritable(2)).as("its first write backs it privately").isTrue();
        assertThat(a.isShared(2)).isFalse();
        assertThat(a.isBallooned(2)).isFalse();

        a.writeWord(0x2000, 5);

        assertThat(a.entry(2)).isInstanceOf(P2mEntry.Ram.class);
        assertThat(a.framesInUse()).isEqualTo(1);
    }

    // --- RAM ---------------------------------------------------------------------------------------

    @Test
    void aRamFrameIsAPrivateMachineFrameOfTheVmWithOneReference() {
        fill(a, 1, 7);

        P2mEntry.Ram ram = (P2mEntry.Ram) a.entry(1);
        assertThat(ram.mfn()).isEqualTo(a.machineFrame(1));
        assertThat(frames.owner(ram.mfn())).isEqualTo("a");
        assertThat(frames.references(ram.mfn())).isEqualTo(1);
        assertThat(a.isWritable(1)).isTrue();
        assertThat(a.machineFrameForWrite(1)).as("no copy: it is the VM's own").isEqualTo(ram.mfn());
    }

    // --- shared ------------------------------------------------------------------------------------

    @Test
    void framesOfTwoVmsWithTheSameBytesShareOneReadOnlyMachineFrameAndTheOtherIsFreed() {
        fill(a, 1, 7);
        fill(b, 4, 7);
        int kept = a.machineFrame(1);
        int free = frames.freeFrames();

        assertThat(a.share(1, b, 4)).isTrue();

        assertThat(a.entry(1)).isEqualTo(new P2mEntry.Shared(kept));
        assertThat(b.entry(4)).isEqualTo(new P2mEntry.Shared(kept));
        assertThat(frames.references(kept)).isEqualTo(2);
        assertThat(frames.owner(kept)).isEqualTo(MachineFrames.SHARED);
        assertThat(frames.isShared(kept)).isTrue();
        assertThat(frames.freeFrames()).as("b's frame went back to the pool").isEqualTo(free + 1);
        assertThat(a.isWritable(1)).as("map it read-only").isFalse();
        assertThat(a.isShared(1)).isTrue();
        assertThat(a.owns(kept)).as("a shared frame is no VM's own").isFalse();
        assertThat(a.framesInUse()).isEqualTo(1);
        assertThat(b.framesInUse()).isEqualTo(1);
        assertThat(a.sharedFrames()).isEqualTo(1);
        assertThat(b.readWord(4 * PAGE)).isEqualTo(7);
    }

    @Test
    void framesWithDifferentBytesAreNotSharedAndNothingChanges() {
        fill(a, 1, 7);
        fill(b, 4, 8);

        assertThat(a.share(1, b, 4)).isFalse();

        assertThat(a.entry(1)).isInstanceOf(P2mEntry.Ram.class);
        assertThat(b.entry(4)).isInstanceOf(P2mEntry.Ram.class);
        assertThat(b.readWord(4 * PAGE)).isEqualTo(8);
    }

    @Test
    void onlyBackedFramesCanBeShared() {
        fill(a, 1, 0);

        assertThatThrownBy(() -> a.share(1, b, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("share(0x1, b, 0x4): only frames backed by machine frames can be shared,"
                        + " not Ram[mfn=0] and Absent[]");
    }

    @Test
    void threeFramesOfOneAndTwoVmsShareOneMachineFrameCountedThrice() {
        fill(a, 1, 0);
        fill(a, 2, 0);
        fill(b, 3, 0);

        a.share(1, a, 2);
        a.share(1, b, 3);

        int mfn = a.machineFrame(1);
        assertThat(a.machineFrame(2)).isEqualTo(mfn);
        assertThat(b.machineFrame(3)).isEqualTo(mfn);
        assertThat(frames.references(mfn)).isEqualTo(3);
        assertThat(a.sharedFrames()).isEqualTo(2);
    }

    @Test
    void aVmmWriteToASharedFrameLandsInAPrivateCopyThatNoOtherSharerSees() {
        fill(a, 1, 7);
        fill(b, 4, 7);
        a.share(1, b, 4);
        int shared = a.machineFrame(1);

        b.writeWord(4 * PAGE + 8, 9);

        assertThat(b.entry(4)).isInstanceOf(P2mEntry.Ram.class);
        assertThat(b.machineFrame(4)).isNotEqualTo(shared);
        assertThat(b.readWord(4 * PAGE)).as("the copy has the shared bytes").isEqualTo(7);
        assertThat(b.readWord(4 * PAGE + 8)).isEqualTo(9);
        assertThat(a.readWord(PAGE + 8)).as("a never sees b's write").isZero();
        assertThat(frames.references(shared)).isEqualTo(1);
        assertThat(b.sharedFrames()).isZero();
    }

    @Test
    void aDmaIntoASharedFrameBreaksTheSharingFirst() throws DmaFault {
        fill(a, 1, 7);
        fill(b, 4, 7);
        a.share(1, b, 4);

        new BoundedDma(b, "guest RAM").write(4 * PAGE + 16, new byte[] {1, 2, 3, 4});

        assertThat(b.readWord(4 * PAGE + 16)).isEqualTo(0x0403_0201);
        assertThat(a.readWord(PAGE + 16)).isZero();
        assertThat(b.isShared(4)).isFalse();
        assertThat(a.isShared(1)).as("still shared, with no one left").isTrue();
    }

    @Test
    void withThePlainBreakTheLastSharerGetsACopyTooAndTheSharedFrameIsFreed() {
        fill(a, 1, 7);
        fill(b, 4, 7);
        a.share(1, b, 4);
        int shared = a.machineFrame(1);
        b.breakSharing(4);

        int mine = a.breakSharing(1);

        assertThat(mine).isNotEqualTo(shared);
        assertThat(a.entry(1)).isEqualTo(new P2mEntry.Ram(mine));
        assertThat(frames.owner(shared)).as("the shared frame, with no one left").isNull();
    }

    @Test
    void aBreakThatLeavesTheWriterAFrameOthersStillMapIsRefusedAndTheP2mIsUnchanged() {
        fill(a, 1, 7);
        fill(b, 4, 7);
        a.share(1, b, 4);
        int shared = a.machineFrame(1);
        frames.useCopyOnWrite((allocator, frame, writer) -> frame);   // "writes in place": b would see it

        assertThatThrownBy(() -> a.breakSharing(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a writer needs a frame of its own, with one reference");
        assertThat(a.entry(1)).isEqualTo(new P2mEntry.Shared(shared));
        assertThat(b.entry(4)).isEqualTo(new P2mEntry.Shared(shared));
    }

    @Test
    void breakingTheSharingOfAFrameThatIsNotSharedIsTheCallersMistake() {
        fill(a, 1, 7);

        assertThatThrownBy(() -> a.breakSharing(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("breakSharing(0x1): guest frame 0x1 of a is not shared (it is Ram[mfn=");
    }

    @Test
    void aCopyOnWriteBreakThatFindsNoFreeFrameLeavesTheSharingAsItWas() {
        fill(a, 1, 7);
        fill(b, 4, 7);
        a.share(1, b, 4);
        while (frames.freeFrames() > 0) {
            frames.allocate("other");
        }

        assertThatThrownBy(() -> b.writeWord(4 * PAGE, 8)).isInstanceOf(MachineFrames.OutOfMachineMemory.class);

        assertThat(b.isShared(4)).isTrue();
        assertThat(a.readWord(PAGE)).isEqualTo(7);
        assertThat(b.readWord(4 * PAGE)).as("the write did not land").isEqualTo(7);
    }

    // --- ballooned ---------------------------------------------------------------------------------

    @Test
    void aBalloonedFrameGoesBackToThePoolAndTheGuestMayNotTouchItUntilItIsReturned() {
        fill(a, 3, 7);
        int mfn = a.machineFrame(3);
        int free = frames.freeFrames();

        a.balloon(3);

        assertThat(a.entry(3)).isEqualTo(P2mEntry.BALLOONED);
        assertThat(a.isBallooned(3)).isTrue();
        assertThat(a.isWritable(3)).isFalse();
        assertThat(frames.owner(mfn)).isNull();
        assertThat(frames.freeFrames()).isEqualTo(free + 1);
        assertThat(a.framesInUse()).isZero();
        String touched = "a touched guest frame 0x00003, which it had given back to the VMM (ballooned out)";
        assertThatThrownBy(() -> a.readWord(0x3004)).isInstanceOf(GuestPhysicalMemory.BalloonedPageAccess.class)
                .hasMessage(touched);
        assertThatThrownBy(() -> a.writeByte(0x3004, 1)).hasMessage(touched);
        assertThatThrownBy(() -> a.machineFrame(3)).hasMessage(touched);

        a.unballoon(3);

        assertThat(a.entry(3)).isEqualTo(P2mEntry.ABSENT);
        assertThat(a.readWord(0x3000)).as("zeros, as a frame never touched").isZero();
    }

    @Test
    void aDmaThatReachesABalloonedFrameMovesNothing() {
        a.balloon(2);

        assertThatThrownBy(() -> a.write(0x1ffe, new byte[] {1, 2, 3, 4}))
                .isInstanceOf(GuestPhysicalMemory.BalloonedPageAccess.class);
        assertThatThrownBy(() -> a.read(0x1ffe, 4)).isInstanceOf(GuestPhysicalMemory.BalloonedPageAccess.class);

        assertThat(a.readByte(0x1ffe)).as("not a byte of it landed before the ballooned frame").isZero();
        assertThat(a.framesInUse()).isZero();
    }

    @Test
    void aBalloonedSharedFrameDropsOneReference() {
        fill(a, 1, 7);
        fill(b, 4, 7);
        a.share(1, b, 4);
        int shared = a.machineFrame(1);

        b.balloon(4);

        assertThat(frames.references(shared)).isEqualTo(1);
        assertThat(a.readWord(PAGE)).isEqualTo(7);
        assertThat(b.sharedFrames()).isZero();
    }

    @Test
    void aBalloonedFrameCountsAsZerosInTheDigest() {
        fill(a, 3, 7);
        a.balloon(3);

        assertThat(a.digest()).isEqualTo(new PhysicalMemory(8 * PAGE).digest());
    }

    @Test
    void ballooningTwiceOrReturningAFrameNeverBalloonedIsRefused() {
        a.balloon(5);

        assertThatThrownBy(() -> a.balloon(5)).isInstanceOf(IllegalStateException.class)
                .hasMessage("balloon(0x5): guest frame 0x5 of a is ballooned already");
        assertThatThrownBy(() -> a.unballoon(6)).isInstanceOf(IllegalStateException.class)
                .hasMessage("unballoon(0x6): guest frame 0x6 of a is not ballooned (it is Absent[])");
    }

    @Test
    void memoryBackedIdenticallyCanBeNeitherSharedNorBallooned() {
        GuestPhysicalMemory identical = new GuestPhysicalMemory("id", 4 * PAGE, 4,
                new MachineFrames(new PhysicalMemory(4 * PAGE), 0));
        identical.backIdentically();

        assertThatThrownBy(() -> identical.balloon(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the real MMU reaches its frames directly");
        assertThatThrownBy(() -> identical.share(1, identical, 2)).isInstanceOf(IllegalStateException.class);
    }

    // --- listeners ---------------------------------------------------------------------------------

    @Test
    void listenersHearEveryChangeOfAnEntryWithWhatItWasAndWhatItIs() {
        List<String> heard = new ArrayList<>();
        GuestPhysicalMemory.ChangeListener listener = new GuestPhysicalMemory.ChangeListener() {
            @Override
            public void written(int gpa) {
                heard.add(String.format("write 0x%x", gpa));
            }

            @Override
            public void p2mChanged(int gfn, P2mEntry before, P2mEntry after) {
                heard.add(gfn + ": " + kind(before) + " -> " + kind(after));
            }
        };
        b.addListener(listener);
        fill(a, 1, 0);
        fill(b, 4, 0);
        a.share(1, b, 4);
        b.writeWord(4 * PAGE, 1);
        b.balloon(4);
        b.unballoon(4);
        b.removeListener(listener);
        b.writeWord(0, 1);

        assertThat(heard).containsExactly(
                "4: absent -> ram", "write 0x4000",
                "4: ram -> shared",
                "4: shared -> ram", "write 0x4000",
                "4: ram -> ballooned",
                "4: ballooned -> absent");
    }

    private static String kind(P2mEntry entry) {
        return entry.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
