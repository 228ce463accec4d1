package org.vmlab.machine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.device.MmioBus;
import org.vmlab.machine.isa.Registers;

/**
 * The MMU under nested paging (docs/isa.md, "Nested paging"): a TLB miss makes the two-dimensional
 * walk, (n+1)(m+1)-1 = 8 references, and fills an entry from guest-virtual to machine that a hit
 * then uses without any walk; the entry keeps the nested permissions, so that a write or a fetch
 * the nested tables refuse never hits; entries are tagged by the VPID.
 */
class MmuNestedPagingTest {
    private static final int RWX = NestedPte.PERMISSIONS;
    /** Guest-physical g is machine g + OFFSET, for g below 512 KiB. */
    private static final int OFFSET = 0x8_0000;
    private static final int NESTED_DIR = 0x1_0000;
    private static final int NESTED_TABLE = 0x1_1000;
    private static final int GUEST_DIR = 0x1000;
    private static final int GUEST_TABLE = 0x2000;
    private static final int GUEST_PAGE = 0x5000;
    private static final int VA = 0x0040_3000;
    private static final int VPID = 7;

    private final PhysicalMemory machine = new PhysicalMemory(1 << 20);
    private final Mmu mmu = new Mmu(machine, new MmioBus(), new Tlb(64));

    @BeforeEach
    void tables() {
        machine.writeWord(NESTED_DIR, NestedPte.of(NESTED_TABLE, RWX));
        for (int gfn = 0; gfn < 128; gfn++) {
            nested(gfn << 12, RWX);
        }
        guestWord(GUEST_DIR + 4 * (VA >>> 22), GUEST_TABLE | Pte.PRESENT | Pte.WRITABLE | Pte.USER);
        guestWord(GUEST_TABLE + 4 * (VA >>> 12 & 0x3FF), GUEST_PAGE | Pte.PRESENT | Pte.WRITABLE | Pte.USER);
        mmu.vmTransition(Registers.CR0_PG, GUEST_DIR, 0, VPID, NESTED_DIR, false);
    }

    private void nested(int gpa, int permissions) {
        machine.writeWord(NESTED_TABLE + 4 * (gpa >>> 12), NestedPte.of(OFFSET + gpa, permissions));
    }

    private void guestWord(int gpa, int value) {
        machine.writeWord(OFFSET + gpa, value);
    }

    @Test
    void aTlbMissMakesTheTwoDimensionalWalkOfEightReferencesAndAHitMakesNone() {
        assertThat(mmu.translate(VA + 0x24, Mmu.READ, 0)).isEqualTo(OFFSET + GUEST_PAGE + 0x24);
        assertThat(mmu.nestedWalks()).isEqualTo(1);
        assertThat(mmu.nestedWalkReferences()).as("(n+1)(m+1)-1").isEqualTo(8);
        assertThat(mmu.walks()).as("no one-dimensional walk").isZero();
        assertThat(mmu.tlb().misses()).isEqualTo(1);

        assertThat(mmu.translate(VA + 0x28, Mmu.READ, 0)).isEqualTo(OFFSET + GUEST_PAGE + 0x28);
        assertThat(mmu.tlb().hits()).isEqualTo(1);
        assertThat(mmu.nestedWalks()).isEqualTo(1);
        assertThat(mmu.nestedWalkReferences()).isEqualTo(8);
        assertThat(mmu.readWord(VA, 0)).isZero();
    }

    @Test
    void withTheGuestsPagingOffTheNestedTablesAloneTranslate() {
        mmu.vmTransition(0, 0, 0, VPID, NESTED_DIR, true);
        assertThat(mmu.translate(GUEST_PAGE + 8, Mmu.WRITE, 0)).isEqualTo(OFFSET + GUEST_PAGE + 8);
        assertThat(mmu.nestedWalkReferences()).as("m").isEqualTo(2);
        mmu.writeWord(GUEST_PAGE + 8, 0x1234, 0);
        assertThat(machine.readWord(OFFSET + GUEST_PAGE + 8)).isEqualTo(0x1234);
        assertThat(mmu.nestedWalks()).as("the write hit the entry the first write filled").isEqualTo(1);
    }

    @Test
    void aReadOnlyNestedPageIsNeverWrittenThroughTheTlb() {
        nested(GUEST_PAGE, NestedPte.READ | NestedPte.EXECUTE);
        mmu.translate(VA, Mmu.READ, 0);

        TwoDimensionalWalk.Violation v = catchThrowableOfType(() -> mmu.translate(VA, Mmu.WRITE, 0),
                TwoDimensionalWalk.Violation.class);

        assertThat(v.violation().guestPhysical()).isEqualTo(GUEST_PAGE);
        assertThat(v.violation().qualification()).isEqualTo(NestedPageViolation.DATA_WRITE
                | (NestedPte.READ | NestedPte.EXECUTE) << 3 | NestedPageViolation.LINEAR_VALID
                | NestedPageViolation.FINAL_TRANSLATION);
        assertThat(mmu.nestedViolations()).isEqualTo(1);
    }

    @Test
    void aPageTheNestedTablesDoNotLetExecuteIsNeverFetchedThroughTheTlb() {
        nested(GUEST_PAGE, NestedPte.READ | NestedPte.WRITE);
        mmu.translate(VA, Mmu.READ, 0);

        TwoDimensionalWalk.Violation v = catchThrowableOfType(() -> mmu.translate(VA, Mmu.FETCH, 0),
                TwoDimensionalWalk.Violation.class);

        assertThat(v.violation().qualification() & 7).isEqualTo(NestedPageViolation.FETCH);
    }

    @Test
    void entriesAreTaggedByVpidAndInvlpgDropsOnlyTheCurrentVpids() {
        mmu.translate(VA, Mmu.READ, 0);
        assertThat(mmu.tlb().validEntries(VPID)).isEqualTo(1);

        mmu.vmTransition(Registers.CR0_PG, GUEST_DIR, 0, 3, NESTED_DIR, false);
        mmu.invalidatePage(VA);
        assertThat(mmu.tlb().validEntries(VPID)).as("another VPID's entry stays").isEqualTo(1);

        mmu.vmTransition(Registers.CR0_PG, GUEST_DIR, 0, VPID, NESTED_DIR, false);
        mmu.translate(VA, Mmu.READ, 0);
        assertThat(mmu.nestedWalks()).as("back under its VPID, the entry hits").isEqualTo(1);
        mmu.invalidatePage(VA);
        assertThat(mmu.tlb().validEntries(VPID)).isZero();
    }

    @Test
    void aGuestsCr3LoadFlushesOnlyItsOwnVpid() {
        mmu.translate(VA, Mmu.READ, 0);
        mmu.vmTransition(Registers.CR0_PG, GUEST_DIR, 0, 3, NESTED_DIR, false);
        mmu.setCr3(GUEST_DIR);
        assertThat(mmu.tlb().validEntries(VPID)).isEqualTo(1);
    }

    @Test
    void withoutVtNothingChanges() {
        Mmu plain = new Mmu(machine, new MmioBus(), new Tlb(64));
        assertThat(plain.nestedPaging()).isFalse();
        assertThat(plain.translate(VA, Mmu.READ, 0)).as("paging off: physical").isEqualTo(VA);
        assertThat(plain.tlb().misses()).as("the TLB is not consulted").isZero();
    }
}
