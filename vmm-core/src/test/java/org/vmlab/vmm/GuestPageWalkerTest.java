package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.Fault;
import org.vmlab.machine.device.MmioBus;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Pte;
import org.vmlab.machine.memory.Tlb;

/**
 * The VMM's software walk of the guest's page tables is the bare MMU's walk: the same translation,
 * the same page fault with the same error code, the same accessed and dirty bits left behind.
 */
class GuestPageWalkerTest {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    private static final int FRAMES = 8;

    /** Guest memory of {@link #FRAMES} frames on a machine whose p2m is not the identity. */
    private static GuestPhysicalMemory guestMemory() {
        MachineFrames frames = new MachineFrames(new PhysicalMemory(2 * FRAMES * PAGE), 0);
        frames.allocate("other");
        return new GuestPhysicalMemory("vm", FRAMES * PAGE, FRAMES, frames);
    }

    // --- the property ----------------------------------------------------------------------------

    @Provide
    Arbitrary<Integer> entries() {
        // Frames up to two past the end of RAM (so some tables and pages lie outside it); any flags.
        Arbitrary<Integer> frame = Arbitraries.integers().between(0, FRAMES + 1);
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, 0x7F)
                .map(f -> f & (Pte.PRESENT | Pte.WRITABLE | Pte.USER | Pte.ACCESSED | Pte.DIRTY));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(6, frame.flatMap(f -> flags.map(fl -> Pte.entry(f * PAGE, fl | Pte.PRESENT)))),
                net.jqwik.api.Tuple.of(2, frame.flatMap(f -> flags.map(fl -> Pte.entry(f * PAGE, fl)))));
    }

    /**
     * Random tables: entries 0..3 of every frame (so any frame may serve as a directory or a table,
     * even both at once), addresses whose indices fall in 0..3, every kind of access from every ring.
     */
    @Property(tries = 300)
    void theSoftwareWalkAgreesWithTheMmuOnRandomPageTables(
            @ForAll @Size(FRAMES * 4) List<@net.jqwik.api.From("entries") Integer> entries,
            @ForAll @IntRange(min = 0, max = FRAMES - 1) int cr3Frame,
            @ForAll @IntRange(min = 0, max = 3) int directoryIndex,
            @ForAll @IntRange(min = 0, max = 3) int tableIndex,
            @ForAll @IntRange(min = 0, max = 0xFFF) int offset,
            @ForAll("accesses") int access,
            @ForAll @IntRange(min = 0, max = 3) int ring,
            @ForAll boolean writeProtect) {
        PhysicalMemory bare = new PhysicalMemory(FRAMES * PAGE);
        GuestPhysicalMemory guest = guestMemory();
        for (int i = 0; i < entries.size(); i++) {
            int address = (i / 4) * PAGE + (i % 4) * 4;
            bare.writeWord(address, entries.get(i));
            guest.writeWord(address, entries.get(i));
        }
        int cr3 = cr3Frame * PAGE;
        int va = directoryIndex << 22 | tableIndex << 12 | offset;
        Mmu mmu = new Mmu(bare, new MmioBus(), new Tlb(64));
        mmu.setCr0(Registers.CR0_PG | (writeProtect ? Registers.CR0_WP : 0));
        mmu.setCr3(cr3);

        String expected = outcome(() -> mmu.translate(va, access, ring));
        String actual = outcome(() -> new GuestPageWalker(guest).walk(va, access, ring, cr3, writeProtect, true).gpa());

        assertThat(actual).isEqualTo(expected);
        assertThat(guest.digest()).as("the accessed and dirty bits left in the tables").isEqualTo(bare.digest());
    }

    @Provide
    Arbitrary<Integer> accesses() {
        return Arbitraries.of(Mmu.READ, Mmu.WRITE, Mmu.FETCH);
    }

    private interface Translation {
        int gpa();
    }

    private static String outcome(Translation t) {
        try {
            return String.format("address 0x%08x", t.gpa());
        } catch (Fault f) {
            return f.getMessage();
        }
    }

    // --- examples --------------------------------------------------------------------------------

    private static final int DIRECTORY = 0x1000;
    private static final int TABLE = 0x2000;
    private static final int VA = 0x0040_3123;

    /** Maps {@link #VA} to guest frame 5 with {@code flags}, through a directory entry with {@code pdeFlags}. */
    private static GuestPhysicalMemory mapped(int pdeFlags, int flags) {
        GuestPhysicalMemory memory = guestMemory();
        memory.writeWord(DIRECTORY + 4 * Pte.directoryIndex(VA), Pte.entry(TABLE, pdeFlags));
        memory.writeWord(TABLE + 4 * Pte.tableIndex(VA), Pte.entry(5 * PAGE, flags));
        return memory;
    }

    private static Fault fault(GuestPhysicalMemory memory, int access, int ring, boolean writeProtect) {
        return catchThrowableOfType(() -> new GuestPageWalker(memory).walk(VA, access, ring, DIRECTORY,
                writeProtect, true), Fault.class);
    }

    @Test
    void aTranslationSaysWhereAndWhatTheGuestsEntriesAllow() {
        GuestPhysicalMemory memory = mapped(Pte.PRESENT | Pte.WRITABLE | Pte.USER, Pte.PRESENT | Pte.USER);

        GuestPageWalker.Translation t = new GuestPageWalker(memory).walk(VA, Mmu.READ, 3, DIRECTORY, true, true);

        assertThat(t.gpa()).isEqualTo(5 * PAGE + 0x123);
        assertThat(t.frame()).isEqualTo(5);
        assertThat(t.pdeAddress()).isEqualTo(DIRECTORY + 4);
        assertThat(t.pteAddress()).isEqualTo(TABLE + 12);
        assertThat(t.writable()).as("the table entry is read-only").isFalse();
        assertThat(t.user()).isTrue();
        assertThat(t.pte()).as("the entry as updated").isEqualTo(Pte.entry(5 * PAGE, Pte.PRESENT | Pte.USER | Pte.ACCESSED));
    }

    @Test
    void aWriteSetsAccessedInBothEntriesAndDirtyInTheTableEntryWithoutTellingTheWriteListener() {
        GuestPhysicalMemory memory = mapped(Pte.PRESENT | Pte.WRITABLE, Pte.PRESENT | Pte.WRITABLE);
        memory.addWriteListener(gpa -> {
            throw new AssertionError("the walker told the listener of 0x" + Integer.toHexString(gpa));
        });

        new GuestPageWalker(memory).walk(VA, Mmu.WRITE, 0, DIRECTORY, true, true);

        assertThat(memory.readWord(DIRECTORY + 4) & (Pte.ACCESSED | Pte.DIRTY)).isEqualTo(Pte.ACCESSED);
        assertThat(memory.readWord(TABLE + 12) & (Pte.ACCESSED | Pte.DIRTY)).isEqualTo(Pte.ACCESSED | Pte.DIRTY);
    }

    @Test
    void askedNotToTheWalkLeavesTheEntriesAsTheyWere() {
        GuestPhysicalMemory memory = mapped(Pte.PRESENT | Pte.WRITABLE, Pte.PRESENT | Pte.WRITABLE);

        new GuestPageWalker(memory).walk(VA, Mmu.WRITE, 0, DIRECTORY, true, false);

        assertThat(memory.readWord(DIRECTORY + 4)).isEqualTo(Pte.entry(TABLE, Pte.PRESENT | Pte.WRITABLE));
        assertThat(memory.readWord(TABLE + 12)).isEqualTo(Pte.entry(5 * PAGE, Pte.PRESENT | Pte.WRITABLE));
    }

    @Test
    void theErrorCodesAreTheMachines() {
        int p = Vector.PF_PRESENT;
        int w = Vector.PF_WRITE;
        int u = Vector.PF_USER;
        GuestPhysicalMemory absent = mapped(0, 0);
        GuestPhysicalMemory kernelOnly = mapped(Pte.PRESENT | Pte.WRITABLE, Pte.PRESENT);
        GuestPhysicalMemory readOnly = mapped(Pte.PRESENT | Pte.USER, Pte.PRESENT | Pte.WRITABLE | Pte.USER);

        assertThat(fault(absent, Mmu.READ, 0, true).errorCode()).as("absent, supervisor read").isZero();
        assertThat(fault(absent, Mmu.FETCH, 3, true).errorCode()).as("absent, user fetch").isEqualTo(Vector.PF_FETCH | u);
        assertThat(fault(kernelOnly, Mmu.READ, 3, true).errorCode()).as("user read of a kernel page").isEqualTo(p | u);
        assertThat(fault(readOnly, Mmu.WRITE, 3, false).errorCode())
                .as("user write, read-only in the directory").isEqualTo(p | w | u);
        assertThat(fault(readOnly, Mmu.WRITE, 1, true).errorCode()).as("kernel write with WP").isEqualTo(p | w);
        assertThat(fault(readOnly, Mmu.WRITE, 1, false)).as("kernel write without WP: allowed").isNull();
        assertThat(fault(absent, Mmu.READ, 0, true).address()).isEqualTo(VA);
        assertThat(fault(absent, Mmu.READ, 0, true).vector()).isEqualTo(Vector.PAGE_FAULT);
    }

    @Test
    void aFaultLeavesNoAccessedBitBehind() {
        GuestPhysicalMemory memory = mapped(Pte.PRESENT | Pte.WRITABLE, Pte.PRESENT);

        fault(memory, Mmu.READ, 3, true);

        assertThat(memory.readWord(DIRECTORY + 4) & Pte.ACCESSED).isZero();
        assertThat(memory.readWord(TABLE + 12) & Pte.ACCESSED).isZero();
    }

    @Test
    void aDirectoryOutsideGuestRamReadsAsNotPresent() {
        GuestPhysicalMemory memory = guestMemory();

        Fault f = catchThrowableOfType(() -> new GuestPageWalker(memory).walk(VA, Mmu.READ, 0, 0xF000_0000, true, true),
                Fault.class);

        assertThat(f.errorCode()).isZero();
        assertThat(memory.framesInUse()).as("nothing allocated by looking").isZero();
    }

    // --- direct paging: tables naming machine frames ----------------------------------------------

    /** Frame numbers in tables are machine frames, turned back into guest frames; others name nothing. */
    private static PageTableFrames machineFrames(GuestPhysicalMemory memory) {
        return frame -> {
            int gfn = memory.guestFrameOf(frame);
            return gfn >= 0 ? gfn : PageTableFrames.NONE;
        };
    }

    @Test
    void tablesThatNameMachineFramesAreWalkedToGuestPhysicalAddresses() {
        GuestPhysicalMemory memory = guestMemory();
        memory.populate("direct paging");
        int table = memory.machineFrame(3);
        memory.writeWord(2 * PAGE + 4 * 1, Pte.entry(table * PAGE, Pte.PRESENT | Pte.WRITABLE));   // directory: entry 1
        memory.writeWord(3 * PAGE + 4 * 5, Pte.entry(memory.machineFrame(6) * PAGE, Pte.PRESENT | Pte.WRITABLE));
        GuestPageWalker walker = new GuestPageWalker(memory, machineFrames(memory));

        GuestPageWalker.Translation t = walker.walk(0x0040_5123, Mmu.WRITE, 0, memory.machineFrame(2) * PAGE, true, true);

        assertThat(t.gpa()).isEqualTo(6 * PAGE + 0x123);
        assertThat(t.pdeAddress()).isEqualTo(2 * PAGE + 4);
        assertThat(t.pteAddress()).isEqualTo(3 * PAGE + 20);
        assertThat(memory.readWord(3 * PAGE + 20) & (Pte.ACCESSED | Pte.DIRTY)).as("bits set where the entry is")
                .isEqualTo(Pte.ACCESSED | Pte.DIRTY);
    }

    @Test
    void aTableOrPageThatNamesNothingOfTheGuestsFaults() {
        GuestPhysicalMemory memory = guestMemory();
        memory.populate("direct paging");
        int other = 0;   // the machine frame "other" took
        memory.writeWord(2 * PAGE, Pte.entry(other * PAGE, Pte.PRESENT | Pte.WRITABLE));
        memory.writeWord(2 * PAGE + 4, Pte.entry(memory.machineFrame(3) * PAGE, Pte.PRESENT | Pte.WRITABLE));
        memory.writeWord(3 * PAGE, Pte.entry(other * PAGE, Pte.PRESENT | Pte.WRITABLE));
        GuestPageWalker walker = new GuestPageWalker(memory, machineFrames(memory));
        int cr3 = memory.machineFrame(2) * PAGE;

        Fault table = catchThrowableOfType(() -> walker.walk(0x10, Mmu.READ, 0, cr3, true, false), Fault.class);
        Fault page = catchThrowableOfType(() -> walker.walk(0x0040_0010, Mmu.READ, 3, cr3, true, false), Fault.class);

        assertThat(table.errorCode()).as("its table reads as not present").isEqualTo(0);
        assertThat(page.errorCode()).isEqualTo(Vector.PF_PRESENT | Vector.PF_USER);
        assertThat(page.address()).isEqualTo(0x0040_0010);
    }
}
