package org.vmlab.memory.nested;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.NestedPte;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.TwoDimensionalWalk;
import org.vmlab.vmm.MachineFrames;

/**
 * A VM's nested tables, as the MMU's nested walk reads them (docs/isa.md, "Nested paging"): an
 * entry maps one guest frame to one machine frame with its permissions, tables come and go in
 * the VMM's frames, and nothing mapped is a violation.
 */
class NestedPageTableTest {
    private static final int RWX = NestedPte.PERMISSIONS;

    private final PhysicalMemory machine = new PhysicalMemory(1 << 20);
    private final MachineFrames frames = new MachineFrames(machine, 0);
    private final NestedPageTable tables = new NestedPageTable(frames);
    private final TwoDimensionalWalk walk = new TwoDimensionalWalk(machine);

    @Test
    void aMappedGuestFrameTranslatesToItsMachineFrameWithTheOffsetKept() {
        tables.map(0x123, 0x45, RWX);

        assertThat(walk.translatePhysical(tables.root(), 0x0012_3abc, Mmu.WRITE)).isEqualTo(0x0004_5abc);
        assertThat(tables.mapped()).isEqualTo(1);
        assertThat(tables.tables()).isEqualTo(1);
    }

    @Test
    void anUnmappedGuestFrameIsAViolationWithNoPermissions() {
        tables.map(0x123, 0x45, RWX);

        assertThatThrownBy(() -> walk.translatePhysical(tables.root(), 0x0012_4000, Mmu.READ))
                .isInstanceOfSatisfying(TwoDimensionalWalk.Violation.class,
                        v -> assertThat(v.violation().permissions()).isZero());
    }

    @Test
    void writeProtectionTakesWriteAwayAndLeavesReadAndExecute() {
        tables.map(7, 9, RWX);

        assertThat(tables.writeProtect(7)).isTrue();
        assertThat(tables.writeProtect(7)).as("already read-only").isFalse();
        assertThat(walk.translatePhysical(tables.root(), 0x7000, Mmu.FETCH)).isEqualTo(0x9000);
        assertThatThrownBy(() -> walk.translatePhysical(tables.root(), 0x7000, Mmu.WRITE))
                .isInstanceOfSatisfying(TwoDimensionalWalk.Violation.class,
                        v -> assertThat(v.violation().permissions()).isEqualTo(NestedPte.READ | NestedPte.EXECUTE));
    }

    @Test
    void unmapRemovesTheEntryAndSaysWhetherThereWasOne() {
        tables.map(7, 9, RWX);

        assertThat(tables.unmap(7)).isTrue();
        assertThat(tables.unmap(7)).isFalse();
        assertThat(tables.lookup(7)).isZero();
        assertThat(tables.mapped()).isZero();
    }

    @Test
    void mappingReturnsTheEntryItReplaced() {
        assertThat(tables.map(7, 9, RWX)).isZero();
        assertThat(tables.map(7, 10, NestedPte.READ)).isEqualTo(NestedPte.of(0x9000, RWX));
        assertThat(tables.mapped()).as("replaced, not added").isEqualTo(1);
    }

    @Test
    void releaseGivesEveryFrameBack() {
        int free = frames.freeFrames();
        tables.map(0, 1, RWX);
        tables.map(0x400, 2, RWX);   // a second table
        assertThat(frames.freeFrames()).isEqualTo(free - 2);

        tables.release();

        assertThat(frames.freeFrames()).isEqualTo(free + 1);   // the directory too
    }
}
