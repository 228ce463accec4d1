package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * A VM's guest-physical memory: the p2m map, machine frames handed out on first use and only up to
 * the VM's limit, writes reported (or not) to a listener, and a fingerprint that is the bare
 * machine's for the same bytes.
 */
class GuestPhysicalMemoryTest {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;

    /** A 16-frame guest on a 32-frame machine whose first frames are taken, so the p2m is not the identity. */
    private static GuestPhysicalMemory guest(int frameLimit) {
        MachineFrames frames = new MachineFrames(new PhysicalMemory(32 * PAGE), 0);
        frames.allocate("other");
        frames.allocate("other");
        return new GuestPhysicalMemory("vm", 16 * PAGE, frameLimit, frames);
    }

    @Test
    void anUntouchedFrameReadsAsZeroAndCostsNoMachineFrame() {
        GuestPhysicalMemory memory = guest(16);

        assertThat(memory.readWord(0x3000)).isZero();
        assertThat(memory.readByte(0x3001)).isZero();
        assertThat(memory.read(0x3ff0, 32)).containsOnly(0);
        assertThat(memory.framesInUse()).isZero();
        assertThat(memory.machineFrames().freeFrames()).isEqualTo(30);
    }

    @Test
    void theFirstWriteToAFrameHandsOutAMachineFrameOwnedByTheVm() {
        GuestPhysicalMemory memory = guest(16);

        memory.writeWord(0x3004, 0x1234_5678);
        memory.writeByte(0x3008, 0xAB);

        int mfn = memory.machineFrame(3);
        assertThat(memory.framesInUse()).isEqualTo(1);
        assertThat(mfn).as("not the guest frame's own number here").isNotEqualTo(3);
        assertThat(memory.owns(mfn)).isTrue();
        assertThat(memory.machineFrames().owner(mfn)).isEqualTo("vm");
        assertThat(memory.machineAddress(0x3004)).isEqualTo(mfn * PAGE + 4);
        assertThat(memory.machineFrames().memory().readWord(mfn * PAGE + 4)).isEqualTo(0x1234_5678);
        assertThat(memory.readWord(0x3004)).isEqualTo(0x1234_5678);
        assertThat(memory.readByte(0x3008)).isEqualTo(0xAB);
        assertThat(memory.owns(0)).as("another owner's frame").isFalse();
    }

    @Test
    void aFrameBeyondTheLimitIsRefusedWithWhoWhichFrameAndTheLimit() {
        GuestPhysicalMemory memory = guest(2);
        memory.writeWord(0, 1);
        memory.writeWord(0x1000, 1);
        memory.writeWord(0x1004, 1);   // the same frame again: free

        assertThatThrownBy(() -> memory.writeWord(0xA000, 1))
                .isInstanceOf(GuestPhysicalMemory.MemoryLimitExceeded.class)
                .hasMessage("vm touched guest frame 0x0000a beyond its limit of 2 machine frames (8 KiB)");
        assertThat(memory.framesInUse()).isEqualTo(2);
        assertThat(memory.readWord(0xA000)).as("reading still costs nothing").isZero();
    }

    @Test
    void ramEndsAtTheSizeBeyondItAreDevices() {
        GuestPhysicalMemory memory = guest(16);

        assertThat(memory.size()).isEqualTo(16 * PAGE);
        assertThat(memory.frames()).isEqualTo(16);
        assertThat(memory.isRam(16 * PAGE - 1)).isTrue();
        assertThat(memory.isRam(16 * PAGE)).isFalse();
        assertThat(memory.isRam(0xF000_0000)).isFalse();
        assertThat(memory.contains(16 * PAGE - 4, 4)).isTrue();
        assertThat(memory.contains(16 * PAGE - 4, 5)).isFalse();
        assertThat(memory.contains(0xFFFF_FFFC, 8)).as("no wrap-around").isFalse();
    }

    @Test
    void theSizeMustBeAWholeNumberOfPages() {
        MachineFrames frames = new MachineFrames(new PhysicalMemory(PAGE), 0);

        assertThatThrownBy(() -> new GuestPhysicalMemory("vm", 1000, 1, frames))
                .hasMessage("guest memory must be a positive multiple of 4096 bytes, was 1000");
        assertThatThrownBy(() -> new GuestPhysicalMemory("vm", 0, 1, frames)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWriteListenerHearsTheVmmAndDevicesButNotTheWalkersAccessedAndDirtyBits() {
        GuestPhysicalMemory memory = guest(16);
        List<Integer> heard = new ArrayList<>();
        memory.addWriteListener(heard::add);

        memory.writeWord(0x1000, 1);
        memory.writeByte(0x2003, 1);
        memory.write(0x3000, new byte[] {1, 2});
        memory.writeWordQuietly(0x4000, 0x60);

        assertThat(heard).containsExactly(0x1000, 0x2003, 0x3000, 0x3001);
        assertThat(memory.readWord(0x4000)).as("the quiet write landed").isEqualTo(0x60);
    }

    @Test
    void everyListenerHearsEachWriteUntilItIsRemoved() {
        GuestPhysicalMemory memory = guest(16);
        List<String> heard = new ArrayList<>();
        GuestPhysicalMemory.WriteListener shadow = gpa -> heard.add("shadow " + gpa);
        memory.addWriteListener(shadow);
        memory.addWriteListener(gpa -> heard.add("scanner " + gpa));

        memory.writeWord(0x1000, 1);
        memory.removeWriteListener(shadow);
        memory.writeWord(0x2000, 1);

        assertThat(heard).containsExactly("shadow 4096", "scanner 4096", "scanner 8192");
    }

    @Test
    void loadingPutsEverySegmentAtItsGuestPhysicalAddressAndRefusesOneThatDoesNotFit() {
        GuestPhysicalMemory memory = guest(16);

        memory.load(new Image(0x1000, List.of(new Segment("text", 0x1ffe, new byte[] {1, 2, 3, 4})),
                SymbolTable.empty()));

        assertThat(memory.readByte(0x1ffe)).isEqualTo(1);
        assertThat(memory.readByte(0x2001)).isEqualTo(4);
        assertThat(memory.framesInUse()).isEqualTo(2);
        assertThatThrownBy(() -> memory.load(new Image(0, List.of(new Segment("big", 0xF000, new byte[0x1001])),
                SymbolTable.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segment big at 0x0000f000 (4097 bytes) does not fit in 64 KiB of guest memory");
    }

    // --- identical backing ---------------------------------------------------------------------

    @Test
    void backingIdenticallyMakesGuestPhysicalAddressesMachineAddresses() {
        GuestPhysicalMemory fresh = new GuestPhysicalMemory("vm2", 8 * PAGE, 8,
                new MachineFrames(new PhysicalMemory(8 * PAGE), 0));
        fresh.backIdentically();

        assertThat(fresh.framesInUse()).isEqualTo(8);
        for (int gfn = 0; gfn < 8; gfn++) {
            assertThat(fresh.machineFrame(gfn)).isEqualTo(gfn);
        }
        assertThat(fresh.machineAddress(0x5abc)).isEqualTo(0x5abc);
        assertThat(fresh.machineFrames().freeFrames()).isZero();
    }

    @Test
    void backingIdenticallyFailsIfAFrameOfTheSameNumberBelongsToSomeoneElse() {
        MachineFrames frames = new MachineFrames(new PhysicalMemory(8 * PAGE), 0);
        frames.claim(3, "other");
        GuestPhysicalMemory memory = new GuestPhysicalMemory("vm", 8 * PAGE, 8, frames);

        assertThatThrownBy(memory::backIdentically).isInstanceOf(MachineFrames.OutOfMachineMemory.class)
                .hasMessage("machine frame 3 is not free for vm (it belongs to other)");
    }

    @Test
    void backingIdenticallyFailsIfAGuestFrameIsAlreadyBackedElsewhere() {
        MachineFrames frames = new MachineFrames(new PhysicalMemory(8 * PAGE), 0);
        for (int f = 0; f < 3; f++) {
            frames.claim(f, "other");
        }
        GuestPhysicalMemory memory = new GuestPhysicalMemory("vm", 4 * PAGE, 4, frames);
        memory.writeWord(0x2000, 1);   // guest frame 2 gets machine frame 3, the first free
        for (int f = 0; f < 3; f++) {
            frames.release(f);
        }

        assertThatThrownBy(memory::backIdentically).isInstanceOf(IllegalStateException.class)
                .hasMessage("guest frame 2 is already backed by machine frame 3");
    }

    // --- the fingerprint -----------------------------------------------------------------------

    /** One write: a byte or a word, at an address of a 16-frame memory. */
    record Write(int address, int value, boolean word) {
    }

    @Provide
    Arbitrary<List<Write>> writes() {
        Arbitrary<Integer> addresses = Arbitraries.integers().between(0, 16 * PAGE - 4);
        Arbitrary<Integer> values = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers());
        return Combinators.combine(addresses, values, Arbitraries.of(true, false))
                .as((a, v, w) -> new Write(w ? a & ~3 : a, v, w))
                .list().ofMaxSize(40);
    }

    @Property(tries = 200)
    void theDigestIsTheBareMachinesForTheSameBytesWhereverTheFramesLie(@ForAll("writes") List<Write> writes,
            @ForAll @IntRange(min = 0, max = 10) int takenFirst) {
        MachineFrames frames = new MachineFrames(new PhysicalMemory(32 * PAGE), 0);
        for (int n = 0; n < takenFirst; n++) {
            frames.allocate("other");
        }
        GuestPhysicalMemory guest = new GuestPhysicalMemory("vm", 16 * PAGE, 16, frames);
        PhysicalMemory bare = new PhysicalMemory(16 * PAGE);
        for (Write w : writes) {
            if (w.word()) {
                guest.writeWord(w.address(), w.value());
                bare.writeWord(w.address(), w.value());
            } else {
                guest.writeByte(w.address(), w.value());
                bare.writeByte(w.address(), w.value());
            }
        }

        assertThat(guest.digest()).isEqualTo(bare.digest());
    }

    @Property(tries = 50)
    void theDigestTellsDifferentContentsApart(@ForAll @IntRange(min = 0, max = 16 * PAGE - 1) int address,
            @ForAll @IntRange(min = 1, max = 255) int value) {
        GuestPhysicalMemory guest = guest(16);
        PhysicalMemory bare = new PhysicalMemory(16 * PAGE);
        guest.writeByte(address, value);

        assertThat(guest.digest()).isNotEqualTo(bare.digest());
        bare.writeByte(address, value);
        assertThat(guest.digest()).isEqualTo(bare.digest());
    }

    @Test
    void aFrameWrittenOnlyWithZerosFingerprintsAsAnUntouchedOne() {
        GuestPhysicalMemory guest = guest(16);
        guest.writeWord(0x7000, 0);

        assertThat(guest.framesInUse()).isEqualTo(1);
        assertThat(guest.digest()).isEqualTo(new PhysicalMemory(16 * PAGE).digest());
    }

    @Test
    void aFrameOrAddressOutsideTheVmNamesTheCallAndTheRange() {
        GuestPhysicalMemory memory = guest(16);

        assertThatThrownBy(() -> memory.machineFrame(0x0040_5000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("machineFrame(0x405000): guest frame 0x405000 is outside vm's memory"
                        + " (guest frames 0x0..0xf): is it an address rather than a frame number"
                        + " (address >>> 12)?");
        assertThatThrownBy(() -> memory.readWord(16 * PAGE))
                .hasMessage("readWord(0x00010000): guest-physical address outside vm's RAM"
                        + " (0x0..0x0000ffff)");
        assertThatThrownBy(() -> memory.writeByte(-4, 1)).hasMessageStartingWith("writeByte(0xfffffffc)");
    }

    @Test
    void populatingBacksEveryFrameAtOnceAndKeepsItThere() {
        GuestPhysicalMemory memory = guest(16);
        GuestPhysicalMemory other = guest(16);
        other.writeWord(0, 0);

        memory.populate("its tables name them");

        assertThat(memory.framesInUse()).isEqualTo(16);
        assertThatThrownBy(() -> memory.balloon(3)).isInstanceOf(IllegalStateException.class)
                .hasMessage("balloon: vm's guest frames stay on their machine frames: its tables name them");
        assertThatThrownBy(() -> memory.share(0, memory, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(memory.framesInUse()).isEqualTo(16);
    }

    @Test
    void aVmWhoseLimitIsBelowItsMemoryCannotBePopulated() {
        GuestPhysicalMemory memory = guest(4);

        assertThatThrownBy(() -> memory.populate("why")).isInstanceOf(GuestPhysicalMemory.MemoryLimitExceeded.class)
                .hasMessage("vm cannot be given all its 16 frames at once: its limit is 4 machine frames");
        assertThat(memory.framesInUse()).isZero();
    }

    @Test
    void theMachineToPhysicalMapReadsTheP2mBackwardsForTheVmsOwnFrames() {
        GuestPhysicalMemory memory = guest(16);
        assertThat(memory.guestFrameOf(0)).as("before any frame is backed").isEqualTo(-1);

        memory.writeWord(5 * PAGE, 1);
        memory.writeWord(9 * PAGE, 1);

        assertThat(memory.guestFrameOf(memory.machineFrame(5))).isEqualTo(5);
        assertThat(memory.guestFrameOf(memory.machineFrame(9))).isEqualTo(9);
        assertThat(memory.guestFrameOf(0)).as("another owner's frame").isEqualTo(-1);
        assertThat(memory.guestFrameOf(-1)).isEqualTo(-1);
        assertThat(memory.guestFrameOf(1 << 20)).as("beyond the machine").isEqualTo(-1);
        int mfn = memory.machineFrame(9);
        memory.balloon(9);
        assertThat(memory.guestFrameOf(mfn)).as("given back").isEqualTo(-1);
    }
}
