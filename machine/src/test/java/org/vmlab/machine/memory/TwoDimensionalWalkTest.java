package org.vmlab.machine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Vector;

/**
 * Nested paging's two-dimensional walk: the guest's tables, in guest-physical memory, walked
 * through the nested tables; (n+1)(m+1)-1 memory references for two levels of each; guest page
 * faults for the guest, nested violations with the SDM's qualification for the monitor.
 */
class TwoDimensionalWalkTest {
    private static final int RWX = NestedPte.PERMISSIONS;
    /** Guest-physical memory of 1 MiB lives at machine 8 MiB: guest-physical g is machine g + OFFSET. */
    private static final int OFFSET = 8 << 20;
    private static final int NESTED_DIR = 0x0010_0000;
    private static final int NESTED_TABLE = 0x0010_1000;
    /** The guest's directory and table, guest-physical. */
    private static final int GUEST_DIR = 0x0000_1000;
    private static final int GUEST_TABLE = 0x0000_2000;
    private static final int GUEST_PAGE = 0x0000_5000;
    private static final int VA = 0x0040_3000;

    private final PhysicalMemory machine = new PhysicalMemory(16 << 20);
    private final TwoDimensionalWalk walk = new TwoDimensionalWalk(machine);

    @BeforeEach
    void tables() {
        machine.writeWord(NESTED_DIR, NestedPte.of(NESTED_TABLE, RWX));
        for (int gfn = 0; gfn < 256; gfn++) {   // guest-physical 0..1 MiB, read-write-execute
            machine.writeWord(NESTED_TABLE + 4 * gfn, NestedPte.of(OFFSET + (gfn << 12), RWX));
        }
        guestWord(GUEST_DIR + 4 * (VA >>> 22), GUEST_TABLE | Pte.PRESENT | Pte.WRITABLE | Pte.USER);
        guestWord(GUEST_TABLE + 4 * (VA >>> 12 & 0x3FF), GUEST_PAGE | Pte.PRESENT | Pte.WRITABLE | Pte.USER);
    }

    private void guestWord(int gpa, int value) {
        machine.writeWord(OFFSET + gpa, value);
    }

    private int guestWordAt(int gpa) {
        return machine.readWord(OFFSET + gpa);
    }

    @Test
    void aGuestVirtualAddressReachesItsMachineAddressThroughBothDimensions() {
        TwoDimensionalWalk.Translation t = walk.translate(NESTED_DIR, GUEST_DIR, VA + 0x24, Mmu.READ, false, true);

        assertThat(t.guestPhysical()).isEqualTo(GUEST_PAGE + 0x24);
        assertThat(t.machineAddress()).isEqualTo(OFFSET + GUEST_PAGE + 0x24);
    }

    @Test
    void aWalkOfTwoAndTwoLevelsMakesEightReferences() {
        walk.translate(NESTED_DIR, GUEST_DIR, VA, Mmu.READ, false, true);   // sets the accessed bits
        long before = walk.references();

        walk.translate(NESTED_DIR, GUEST_DIR, VA, Mmu.READ, false, true);

        // (n+1)(m+1)-1 for n = m = 2 (Bhargava et al., ASPLOS 2008): three guest-physical
        // addresses translated by two nested references each, and two guest entries read
        assertThat(walk.references() - before).isEqualTo((2 + 1) * (2 + 1) - 1);
        assertThat(walk.translatePhysical(NESTED_DIR, GUEST_PAGE, Mmu.READ)).isEqualTo(OFFSET + GUEST_PAGE);
        assertThat(walk.references() - before).as("and a guest-physical address alone, m").isEqualTo(8 + 2);
    }

    @Test
    void settingTheGuestsAccessedAndDirtyBitsTakesNoExtraWalk() {
        long before = walk.references();

        walk.translate(NESTED_DIR, GUEST_DIR, VA, Mmu.WRITE, false, true);

        assertThat(walk.references() - before).isEqualTo(8);
        assertThat(guestWordAt(GUEST_TABLE + 4 * 3) & (Pte.ACCESSED | Pte.DIRTY)).isEqualTo(Pte.ACCESSED | Pte.DIRTY);
        assertThat(guestWordAt(GUEST_DIR + 4) & Pte.ACCESSED).isEqualTo(Pte.ACCESSED);
    }

    @Test
    void theNestedEntriesGetTheirAccessedBitsAndTheWrittenPagesLeafItsDirtyBit() {
        walk.translate(NESTED_DIR, GUEST_DIR, VA, Mmu.WRITE, false, true);

        assertThat(machine.readWord(NESTED_DIR) & NestedPte.ACCESSED).isNotZero();
        int pageLeaf = machine.readWord(NESTED_TABLE + 4 * (GUEST_PAGE >>> 12));
        assertThat(pageLeaf & (NestedPte.ACCESSED | NestedPte.DIRTY)).isEqualTo(NestedPte.ACCESSED | NestedPte.DIRTY);
        int untouched = machine.readWord(NESTED_TABLE + 4 * 0x80);
        assertThat(untouched & (NestedPte.ACCESSED | NestedPte.DIRTY)).isZero();
    }

    @Test
    void aGuestPageFaultIsTheGuestsWithItsVirtualAddress() {
        guestWord(GUEST_TABLE + 4 * 3, 0);   // not present in the guest's own table

        Fault fault = catchThrowableOfType(() -> walk.translate(NESTED_DIR, GUEST_DIR, VA + 8, Mmu.READ, false, true),
                Fault.class);

        assertThat(fault.vector()).isEqualTo(Vector.PAGE_FAULT);
        assertThat(fault.address()).isEqualTo(VA + 8);
    }

    @Test
    void aPageTheNestedTablesDoNotMapIsAViolationOfTheFinalTranslation() {
        machine.writeWord(NESTED_TABLE + 4 * (GUEST_PAGE >>> 12), 0);

        NestedPageViolation v = catchThrowableOfType(
                () -> walk.translate(NESTED_DIR, GUEST_DIR, VA + 0x10, Mmu.WRITE, false, true),
                TwoDimensionalWalk.Violation.class).violation();

        assertThat(v.guestPhysical()).isEqualTo(GUEST_PAGE + 0x10);
        assertThat(v.guestLinear()).isEqualTo(VA + 0x10);
        assertThat(v.finalTranslation()).isTrue();
        assertThat(v.qualification()).isEqualTo(NestedPageViolation.DATA_WRITE | NestedPageViolation.LINEAR_VALID
                | NestedPageViolation.FINAL_TRANSLATION);
    }

    @Test
    void aReadOnlyPageRefusesAWriteAndSaysWhatItPermits() {
        machine.writeWord(NESTED_TABLE + 4 * (GUEST_PAGE >>> 12), NestedPte.of(OFFSET + GUEST_PAGE, NestedPte.READ));

        NestedPageViolation v = catchThrowableOfType(
                () -> walk.translate(NESTED_DIR, GUEST_DIR, VA, Mmu.WRITE, false, true),
                TwoDimensionalWalk.Violation.class).violation();

        assertThat(v.permissions()).isEqualTo(NestedPte.READ);
        assertThat(v.qualification() >>> NestedPageViolation.PERMISSIONS_SHIFT & 7).isEqualTo(NestedPte.READ);
        assertThat(walk.translate(NESTED_DIR, GUEST_DIR, VA, Mmu.READ, false, true).machineAddress())
                .as("reading it is fine").isEqualTo(OFFSET + GUEST_PAGE);
    }

    @Test
    void fetchingFromAPageWithoutExecuteIsAViolation() {
        machine.writeWord(NESTED_TABLE + 4 * (GUEST_PAGE >>> 12),
                NestedPte.of(OFFSET + GUEST_PAGE, NestedPte.READ | NestedPte.WRITE));

        NestedPageViolation v = catchThrowableOfType(
                () -> walk.translate(NESTED_DIR, GUEST_DIR, VA, Mmu.FETCH, false, true),
                TwoDimensionalWalk.Violation.class).violation();

        assertThat(v.qualification() & 7).isEqualTo(NestedPageViolation.FETCH);
    }

    @Test
    void aGuestPageTableTheNestedTablesDoNotMapIsAViolationOnTheWay() {
        machine.writeWord(NESTED_TABLE + 4 * (GUEST_TABLE >>> 12), 0);

        NestedPageViolation v = catchThrowableOfType(
                () -> walk.translate(NESTED_DIR, GUEST_DIR, VA, Mmu.READ, false, true),
                TwoDimensionalWalk.Violation.class).violation();

        assertThat(v.guestPhysical()).as("the guest's page-table entry").isEqualTo(GUEST_TABLE + 4 * 3);
        assertThat(v.finalTranslation()).isFalse();
        assertThat(v.qualification() & NestedPageViolation.FINAL_TRANSLATION).isZero();
    }

    @Test
    void aGuestTableMappedReadOnlyLetsTheGuestReadButNotSetItsBits() {
        machine.writeWord(NESTED_TABLE + 4 * (GUEST_TABLE >>> 12), NestedPte.of(OFFSET + GUEST_TABLE, NestedPte.READ));

        NestedPageViolation v = catchThrowableOfType(
                () -> walk.translate(NESTED_DIR, GUEST_DIR, VA, Mmu.READ, false, true),
                TwoDimensionalWalk.Violation.class).violation();

        assertThat(v.access()).as("setting the accessed bit is a write to the guest's table").isEqualTo(Mmu.WRITE);
        assertThat(v.finalTranslation()).isFalse();
    }
}
