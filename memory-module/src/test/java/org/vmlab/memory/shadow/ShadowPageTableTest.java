package org.vmlab.memory.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.Fault;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.MachineFrames;

/**
 * One shadow page table: guest-virtual pages mapped straight to machine frames, in a directory and
 * tables that are the VMM's own frames, in the format the real MMU walks.
 */
class ShadowPageTableTest {
    private static final int RW = Pte.PRESENT | Pte.WRITABLE;
    private static final int VA = 0x0040_3000;

    private final Machine machine = new Machine(MachineConfig.builder().memoryBytes(256 << 10).build());
    private final MachineFrames frames = new MachineFrames(machine.memory(), 0);
    private final int freeAtStart = frames.freeFrames();
    private final ShadowPageTable shadow = new ShadowPageTable(0x8000, frames);

    @Test
    void anEmptyShadowIsJustADirectoryInAFrameOfTheVmm() {
        assertThat(shadow.key()).isEqualTo(0x8000);
        assertThat(frames.freeFrames()).isEqualTo(freeAtStart - 1);
        assertThat(frames.owner(shadow.root() >>> 12)).isEqualTo(MachineFrames.VMM);
        assertThat(shadow.root() & 0xFFF).as("a frame address").isZero();
        assertThat(shadow.tables()).isZero();
        assertThat(shadow.lookup(VA)).isZero();
    }

    @Test
    void aMappingIsFoundWithItsFrameAndBits() {
        shadow.map(VA + 0x123, 42, RW | Pte.USER);

        assertThat(shadow.lookup(VA)).isEqualTo(Pte.entry(42 << 12, RW | Pte.USER));
        assertThat(shadow.lookup(VA + 0xFFF)).as("the whole page").isEqualTo(shadow.lookup(VA));
        assertThat(shadow.lookup(VA + 0x1000)).as("not the next").isZero();
    }

    @Test
    void theRealMmuWalkingTheShadowReachesTheMappedFrame() {
        shadow.map(VA, 42, RW);
        Mmu mmu = machine.mmu();
        mmu.setCr3(shadow.root());
        mmu.setCr0(Registers.CR0_PG | Registers.CR0_WP);

        assertThat(mmu.translate(VA + 0x44, Mmu.WRITE, 0)).isEqualTo((42 << 12) + 0x44);
        assertThatThrownBy(() -> mmu.translate(VA + 0x1000, Mmu.READ, 0)).isInstanceOf(Fault.class);
    }

    @Test
    void aTableIsAllocatedFromTheVmmsFramesForEachFourMegabytesMapped() {
        shadow.map(VA, 1, RW);
        shadow.map(VA + 0x1000, 2, RW);
        assertThat(shadow.tables()).isEqualTo(1);
        assertThat(frames.freeFrames()).isEqualTo(freeAtStart - 2);

        shadow.map(0x0080_0000, 3, RW);

        assertThat(shadow.tables()).isEqualTo(2);
        assertThat(frames.freeFrames()).isEqualTo(freeAtStart - 3);
    }

    @Test
    void mappingAgainReplacesTheEntry() {
        shadow.map(VA, 1, RW);

        shadow.map(VA, 2, Pte.PRESENT);

        assertThat(shadow.lookup(VA)).isEqualTo(Pte.entry(2 << 12, Pte.PRESENT));
    }

    @Test
    void unmappingRemovesOnlyThatPageAndKeepsTheTable() {
        shadow.map(VA, 1, RW);
        shadow.map(VA + 0x1000, 2, RW);

        shadow.unmap(VA);
        shadow.unmap(0x0C00_0000);   // nothing there: nothing happens

        assertThat(shadow.lookup(VA)).isZero();
        assertThat(shadow.lookup(VA + 0x1000)).isNotZero();
        assertThat(shadow.tables()).isEqualTo(1);
    }

    @Test
    void droppingATableForgetsItsFourMegabytesAndGivesItsFrameBack() {
        shadow.map(VA, 1, RW);
        shadow.map(0x0080_0000, 3, RW);

        shadow.dropTable(Pte.directoryIndex(VA));

        assertThat(shadow.lookup(VA)).isZero();
        assertThat(shadow.lookup(0x0080_0000)).as("other tables stay").isNotZero();
        assertThat(shadow.tables()).isEqualTo(1);
        assertThat(frames.freeFrames()).isEqualTo(freeAtStart - 2);
        assertThat(machine.memory().readWord(shadow.root() + (Pte.directoryIndex(VA) << 2)))
                .as("the directory entry the MMU would walk").isZero();
    }

    @Test
    void droppingAnAbsentTableDoesNothing() {
        shadow.dropTable(5);

        assertThat(frames.freeFrames()).isEqualTo(freeAtStart - 1);
    }

    @Test
    void aDroppedRegionCanBeMappedAgain() {
        shadow.map(VA, 1, RW);
        shadow.dropTable(Pte.directoryIndex(VA));

        shadow.map(VA, 7, RW);

        assertThat(shadow.lookup(VA)).isEqualTo(Pte.entry(7 << 12, RW));
        assertThat(shadow.tables()).isEqualTo(1);
    }

    @Test
    void releasingGivesEveryFrameBack() {
        shadow.map(VA, 1, RW);
        shadow.map(0x0080_0000, 3, RW);
        shadow.map(0xFFC0_0000, 4, RW);

        shadow.release();

        assertThat(frames.freeFrames()).isEqualTo(freeAtStart);
    }

    // --- write protection --------------------------------------------------------------------------

    @Test
    void writeProtectingAFrameTakesWriteAwayFromEveryMappingOfIt() {
        shadow.map(VA, 9, RW | Pte.USER);
        shadow.map(0x0080_0000, 9, RW);
        shadow.map(VA + 0x1000, 10, RW);

        assertThat(shadow.writeProtect(9)).containsExactlyInAnyOrder(VA, 0x0080_0000);

        assertThat(shadow.lookup(VA)).as("only the writable bit goes").isEqualTo(Pte.entry(9 << 12, Pte.PRESENT | Pte.USER));
        assertThat(shadow.lookup(0x0080_0000)).isEqualTo(Pte.entry(9 << 12, Pte.PRESENT));
        assertThat(shadow.lookup(VA + 0x1000)).as("other frames keep it").isEqualTo(Pte.entry(10 << 12, RW));
    }

    @Test
    void writeProtectReturnsOnlyThePagesItChanged() {
        shadow.map(VA, 9, Pte.PRESENT);                 // read-only already
        shadow.map(VA + 0x1000, 9, RW);
        shadow.map(VA + 0x2000, 9, RW);
        shadow.map(VA + 0x2000, 11, RW);                // remapped to another frame since
        shadow.map(VA + 0x3000, 9, RW);
        shadow.unmap(VA + 0x3000);                      // unmapped since
        shadow.map(0x0080_0000, 9, RW);
        shadow.dropTable(Pte.directoryIndex(0x0080_0000));   // its table dropped since

        assertThat(shadow.writeProtect(9)).containsExactly(VA + 0x1000);
        assertThat(shadow.lookup(VA + 0x2000)).as("the remapped page keeps writing its new frame")
                .isEqualTo(Pte.entry(11 << 12, RW));
    }

    @Test
    void writeProtectingTwiceChangesNothingTheSecondTime() {
        shadow.map(VA, 9, RW);
        shadow.writeProtect(9);

        assertThat(shadow.writeProtect(9)).isEmpty();
        assertThat(shadow.writeProtect(12)).as("a frame never mapped").isEmpty();
    }

    @Test
    void aFrameMappedWritableAgainAfterProtectionIsProtectedAgain() {
        shadow.map(VA, 9, RW);
        shadow.writeProtect(9);
        shadow.map(VA, 9, RW);

        assertThat(shadow.writeProtect(9)).containsExactly(VA);
    }
    @Test
    void unmappingAFrameRemovesEveryMappingOfItWhereverItIsAndNothingElse() {
        shadow.map(VA, 42, RW);
        shadow.map(VA + 0x1000, 42, Pte.PRESENT);
        shadow.map(0x0080_0000, 42, RW | Pte.USER);
        shadow.map(VA + 0x2000, 43, RW);

        assertThat(shadow.unmapFrame(42)).containsExactly(VA, VA + 0x1000, 0x0080_0000);

        assertThat(shadow.lookup(VA)).isZero();
        assertThat(shadow.lookup(VA + 0x1000)).isZero();
        assertThat(shadow.lookup(0x0080_0000)).isZero();
        assertThat(shadow.lookup(VA + 0x2000)).isEqualTo(Pte.entry(43 << 12, RW));
        assertThat(shadow.writeProtect(42)).as("no writable mapping left to protect").isEmpty();
    }
}
