package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;

/**
 * The processor's architectural state, apart from any engine that runs it: r0 is wired to zero,
 * the paging control registers are the MMU's, a snapshot is a value, restoring one gives the same
 * state back, and writing the ring or a control register from outside moves the generation on
 * (so an engine translates its fetches anew).
 */
class CpuStateTest {

    private static Machine machine() {
        return new Machine(MachineConfig.builder().memoryBytes(1 << 16).build());
    }

    @Test
    void afterResetEverythingIsZeroRing0InterruptsOffPagingOff() {
        Machine machine = machine();
        CpuState state = machine.cpu().state();

        assertThat(state.snapshot()).isEqualTo(new CpuSnapshot(new int[Registers.COUNT], 0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(state.cpl()).isZero();
        assertThat(state.interruptsEnabled()).isFalse();
        assertThat(machine.mmu().pagingEnabled()).isFalse();
    }

    @Test
    void r0ReadsZeroWhateverIsWrittenToIt() {
        CpuState state = machine().cpu().state();

        state.setRegister(0, 42);
        state.setRegister(1, 43);

        assertThat(state.register(0)).isZero();
        assertThat(state.register(1)).isEqualTo(43);
    }

    @Test
    void thePagingControlRegistersAreTheMmusBothWays() {
        Machine machine = machine();
        CpuState state = machine.cpu().state();

        state.setControlRegister(Registers.CR3, 0x5000);
        state.setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_WP);
        machine.mmu().setCr5(7);

        assertThat(machine.mmu().pagingEnabled()).as("paging on in the MMU").isTrue();
        assertThat(machine.mmu().cr3()).isEqualTo(0x5000);
        assertThat(state.controlRegister(Registers.CR5)).as("written in the MMU, read here").isEqualTo(7);
        assertThat(state.controlRegister(Registers.CR3)).isEqualTo(0x5000);
    }

    @Test
    void cr2AndCr4AreHeldHereAndAMissingControlRegisterIsAGeneralProtectionFault() {
        CpuState state = machine().cpu().state();

        state.setControlRegister(Registers.CR2, 0x1234);
        state.setControlRegister(Registers.CR4, 0x9000);
        Fault read = catchThrowableOfType(() -> state.controlRegister(1), Fault.class);
        Fault write = catchThrowableOfType(() -> state.setControlRegister(6, 1), Fault.class);

        assertThat(state.snapshot().cr2()).isEqualTo(0x1234);
        assertThat(state.snapshot().cr4()).isEqualTo(0x9000);
        assertThat(read.vector()).isEqualTo(Vector.GENERAL_PROTECTION);
        assertThat(write.vector()).isEqualTo(Vector.GENERAL_PROTECTION);
    }

    @Test
    void aSnapshotIsAValueThatLaterWritesDoNotChange() {
        CpuState state = machine().cpu().state();
        state.setRegister(3, 1);
        CpuSnapshot before = state.snapshot();

        state.setRegister(3, 2);
        state.setPc(0x2000);
        before.registers()[3] = 99;   // a copy: the snapshot's own array is out of reach

        assertThat(before.registers()[3]).isEqualTo(1);
        assertThat(before.pc()).isZero();
        assertThat(state.snapshot()).isNotEqualTo(before);
    }

    @Property(tries = 200)
    void restoringASnapshotOnAnotherMachineGivesTheSameState(@ForAll int r1, @ForAll int r14, @ForAll int pc,
            @ForAll @IntRange(max = 3) int ring, @ForAll boolean interrupts, @ForAll int conditions,
            @ForAll @IntRange(max = 7) int cr0, @ForAll int cr2, @ForAll int cr3, @ForAll int cr4, @ForAll int cr5,
            @ForAll int idtr) {
        CpuState state = machine().cpu().state();
        state.setRegister(1, r1);
        state.setRegister(Registers.SP, r14);
        state.setPc(pc);
        state.setFlags(conditions & Registers.CONDITION_BITS | (interrupts ? Registers.FLAG_IF : 0)
                | ring << Registers.CPL_SHIFT);
        state.setControlRegister(Registers.CR5, cr5);
        state.setControlRegister(Registers.CR0, cr0);
        state.setControlRegister(Registers.CR2, cr2);
        state.setControlRegister(Registers.CR3, cr3);
        state.setControlRegister(Registers.CR4, cr4);
        state.setIdtr(idtr);
        CpuSnapshot snapshot = state.snapshot();

        Machine other = machine();
        other.cpu().state().restore(snapshot);

        assertThat(other.cpu().state().snapshot()).isEqualTo(snapshot);
        assertThat(other.mmu().pagingEnabled()).isEqualTo((cr0 & Registers.CR0_PG) != 0);
        assertThat(other.mmu().cr3()).isEqualTo(cr3 & Pte.FRAME_MASK);
        assertThat(other.cpu().cpl()).isEqualTo(ring);
    }

    @Test
    void writingTheRingOrAControlRegisterFromOutsideMovesTheGenerationOnOtherWritesDoNot() {
        CpuState state = machine().cpu().state();
        long start = state.generation();

        state.setRegister(1, 5);
        state.setPc(0x1000);
        state.setIdtr(0x100);
        long afterPlainWrites = state.generation();
        state.setFlags(3 << Registers.CPL_SHIFT);
        long afterFlags = state.generation();
        state.setControlRegister(Registers.CR4, 0x9000);

        assertThat(afterPlainWrites).as("registers, pc, idtr: nothing an engine translates with").isEqualTo(start);
        assertThat(afterFlags).isGreaterThan(afterPlainWrites);
        assertThat(state.generation()).isGreaterThan(afterFlags);
    }
}
