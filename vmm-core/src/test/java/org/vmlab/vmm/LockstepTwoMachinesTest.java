package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;

/**
 * Lockstep compares any two sides, not only bare metal and a VM: here two bare machines, as two
 * execution engines or a machine and its restored copy would be compared. Identical programs agree
 * instruction by instruction, in slices and in memory; a program that differs in one instruction
 * is named at that instruction, each side by its own name.
 */
class LockstepTwoMachinesTest {
    private static final String PROGRAM = """
                    .org 0x1000
            start:  addi r1, r0, 1
                    addi r2, r0, 2
                    la r3, cell
                    sw r2, 0(r3)
            done:   hlt
                    .align 4
            cell:   .word 0
            """;

    private static Machine machine(String source) {
        Machine machine = new Machine(MachineConfig.builder().memoryBytes(SideBySide.MEMORY).fuel(1000).build());
        machine.load(SideBySide.assemble(source));
        machine.cpu().setIdtr(SideBySide.IDT);
        machine.cpu().setControlRegister(Registers.CR4, SideBySide.KERNEL_STACK);
        machine.cpu().setRegister(Registers.SP, SideBySide.KERNEL_STACK);
        return machine;
    }

    private static Lockstep.Pair sides(String reference, String candidate) {
        return Lockstep.Pair.of(LockstepSide.of(machine(reference)),
                LockstepSide.of(machine(candidate), "the second machine", "second"));
    }

    @Test
    void identicalProgramsAgreeInstructionByInstructionInSlicesAndInMemory() {
        Lockstep.Pair pair = sides(PROGRAM, PROGRAM);

        Lockstep.Outcome outcome = Lockstep.run(pair.reference(), pair.candidate());

        assertThat(outcome.agrees()).isTrue();
        assertThat(outcome.nativeRun().stopReason()).isEqualTo(StopReason.HALT);
        assertThat(Equivalence.compare(outcome.nativeRun(), outcome.virtualRun()).equivalent()).isTrue();
        assertThat(outcome.virtualRun().instructions()).isEqualTo(6);
        assertThat(Lockstep.runInSlices(() -> sides(PROGRAM, PROGRAM), 4).agrees()).isTrue();
    }

    @Test
    void aProgramThatDiffersInOneInstructionIsReportedAtThatInstruction() {
        String other = PROGRAM.replace("addi r2, r0, 2", "addi r2, r0, 3");
        Lockstep.Pair pair = sides(PROGRAM, other);

        Lockstep.Divergence d = Lockstep.run(pair.reference(), pair.candidate()).divergence().orElseThrow();

        assertThat(d.instruction()).isEqualTo(2);
        assertThat(d.pc()).isEqualTo(0x1004);
        assertThat(d.text()).as("the reference's instruction").isEqualTo("addi r2, r0, 2");
        assertThat(d.differences()).containsExactly("r2: native 0x00000002, second 0x00000003");
        assertThat(d.nativeState().registers()[2]).isEqualTo(2);
        assertThat(d.virtualState().registers()[2]).isEqualTo(3);
        assertThat(d.describe()).isEqualTo("guest diverged from bare metal at instruction 2, pc=0x00001004"
                + " (start+0x4) `addi r2, r0, 2`: r2: native 0x00000002, second 0x00000003");
    }

    @Test
    void runInSlicesNarrowsALongSliceToThatInstruction() {
        String other = PROGRAM.replace("addi r2, r0, 2", "addi r2, r0, 3");

        Lockstep.Divergence d = Lockstep.runInSlices(() -> sides(PROGRAM, other), 100).divergence().orElseThrow();

        assertThat(d.instruction()).isEqualTo(2);
        assertThat(d.text()).isEqualTo("addi r2, r0, 2");
        assertThat(d.differences()).containsExactly(
                "at the end of a slice of 2 instructions that began at instruction 0, pc=0x00001000 (start)",
                "r2: native 0x00000002, second 0x00000003");
    }

    @Test
    void aCandidateThatStopsAloneIsNamedAsItIsNamed() {
        String other = PROGRAM.replace("addi r2, r0, 2", "hlt");
        Lockstep.Pair pair = sides(PROGRAM, other);

        Lockstep.Divergence d = Lockstep.run(pair.reference(), pair.candidate()).divergence().orElseThrow();

        assertThat(d.pc()).isEqualTo(0x1004);
        assertThat(d.differences()).first().asString().isEqualTo("the second machine stopped (HALT: hlt at"
                + " pc=0x00001004 with interrupts disabled) where bare metal went on");
    }

    @Test
    void dataThatDiffersWhereNoInstructionLooksIsFoundInMemoryAtTheEnd() {
        String withData = PROGRAM + "unread: .word 5\n";
        String other = PROGRAM + "unread: .word 6\n";
        Lockstep.Pair pair = sides(withData, other);

        Lockstep.Outcome outcome = Lockstep.run(pair.reference(), pair.candidate());

        assertThat(outcome.divergence()).isEmpty();
        MemoryDifference m = outcome.memory().orElseThrow();
        assertThat(m.nativeWord()).isEqualTo(5);
        assertThat(m.virtualWord()).isEqualTo(6);
        assertThat(m.what()).isEqualTo("unread");
    }
}
