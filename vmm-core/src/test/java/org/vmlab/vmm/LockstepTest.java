package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;

/**
 * Lockstep names the first guest instruction after which a VM's state is no longer bare metal's.
 * The VMM here is {@link DirectCpu}: faithful, or deliberately wrong about {@code cli} (it retires
 * it without clearing the virtual IF, the kind of slip a student's emulator makes).
 */
class LockstepTest {
    private static final String PROGRAM = """
                    .org 0x1000
            start:  addi r1, r0, 1
                    sti
                    addi r2, r0, 2
            off:    cli
                    addi r3, r0, 3
                    hlt
            """;

    @Test
    void aFaithfulVmmNeverDivergesAndBothRunsEndAlike() {
        SideBySide sides = new SideBySide(PROGRAM, DirectCpu.faithful(), 1000);

        Lockstep.Outcome outcome = Lockstep.run(sides.bare, sides.vm);

        assertThat(outcome.divergence()).isEmpty();
        assertThat(outcome.nativeRun().stopReason()).isEqualTo(StopReason.HALT);
        assertThat(outcome.virtualRun().stopReason()).isEqualTo(StopReason.HALT);
        assertThat(Equivalence.compare(outcome.nativeRun(), outcome.virtualRun()).equivalent()).isTrue();
        assertThat(outcome.virtualRun().instructions()).isEqualTo(6);
    }

    @Test
    void aWrongEmulationIsCaughtAtTheVeryInstructionWithBothStates() {
        SideBySide sides = new SideBySide(PROGRAM, DirectCpu.ignoringCli(), 1000);

        Lockstep.Divergence d = Lockstep.run(sides.bare, sides.vm).divergence().orElseThrow();

        int cli = sides.address("off");
        assertThat(d.instruction()).as("instructions retired, the cli included").isEqualTo(4);
        assertThat(d.pc()).isEqualTo(cli);
        assertThat(d.text()).isEqualTo("cli");
        assertThat(d.symbol()).isEqualTo("off");
        assertThat(d.differences()).containsExactly("IF: native 0, virtual 1");
        assertThat(d.nativeState().flags() & Registers.FLAG_IF).isZero();
        assertThat(d.virtualState().flags() & Registers.FLAG_IF).isNotZero();
        assertThat(d.nativeState().pc()).isEqualTo(d.virtualState().pc()).isEqualTo(cli + 4);
        assertThat(d.describe()).isEqualTo(
                "guest diverged from bare metal at instruction 4, pc=0x0000100c (off) `cli`: IF: native 0, virtual 1");
    }

    @Test
    void theDivergenceNamesAnInstructionInsideAFunctionByItsOffset() {
        SideBySide sides = new SideBySide("""
                        .org 0x1000
                start:  sti
                        nop
                        cli
                        hlt
                """, DirectCpu.ignoringCli(), 1000);

        Lockstep.Divergence d = Lockstep.run(sides.bare, sides.vm).divergence().orElseThrow();

        assertThat(d.symbol()).isEqualTo("start+0x8");
        assertThat(d.describe()).startsWith("guest diverged from bare metal at instruction 3, pc=0x00001008 (start+0x8) `cli`");
    }

    @Test
    void aWriteThatWentAstrayIsFoundInMemoryAtTheEndWithItsAddressAndSymbol() {
        SideBySide sides = new SideBySide("""
                        .org 0x1000
                start:  addi r1, r0, 7
                        la r2, cell
                        sw r1, 0(r2)
                        hlt
                        .align 4
                cell:   .word 0
                """, DirectCpu.faithful(), 1000);
        Lockstep.Outcome outcome = Lockstep.run(sides.bare, sides.vm);
        assertThat(outcome.agrees()).isTrue();

        int cell = sides.address("cell");
        sides.vm.memory().writeWord(cell, 8);   // what a VMM's stray write would leave behind
        MemoryDifference m = MemoryDifference.first(sides.bare, sides.vm).orElseThrow();

        assertThat(m.address()).isEqualTo(cell);
        assertThat(m.describe()).isEqualTo(String.format("memory first differs at guest-physical"
                + " 0x%08x (cell): native 0x00000007, yours 0x00000008", cell));
    }

    @Test
    void aPageTableEntryIsDecodedAndOnlyAccessedOrDirtyBitsGetAHint() {
        int pte = org.vmlab.machine.memory.Pte.entry(0x5000, org.vmlab.machine.memory.Pte.PRESENT
                | org.vmlab.machine.memory.Pte.WRITABLE | org.vmlab.machine.memory.Pte.ACCESSED);
        MemoryDifference m = new MemoryDifference(0x2014, pte | org.vmlab.machine.memory.Pte.DIRTY,
                pte, "the page-table entry for virtual 0x00005000");

        assertThat(m.describe()).isEqualTo("memory first differs at guest-physical 0x00002014 (the"
                + " page-table entry for virtual 0x00005000): native 0x00005063, yours 0x00005023"
                + " (frame 0x00005000 P W - A D vs frame 0x00005000 P W - A -): only the"
                + " accessed/dirty bits differ; does your VMM set them in the guest's entries as"
                + " the hardware walk would?");
    }

    @Test
    void runInSlicesAgreesWithAFaithfulVmmAndNamesTheFirstInstructionOfAWrongOne() {
        assertThat(Lockstep.runInSlices(() -> sides(DirectCpu.faithful()), 3).agrees()).isTrue();

        Lockstep.Divergence d = Lockstep.runInSlices(() -> sides(DirectCpu.ignoringCli()), 4).divergence()
                .orElseThrow();

        assertThat(d.text()).isEqualTo("cli");
        assertThat(d.symbol()).isEqualTo("off");
        assertThat(d.instruction()).isEqualTo(4);
        assertThat(d.differences()).first().asString()
                .isEqualTo("at the end of a slice of 4 instructions that began at instruction 0, pc=0x00001000 (start)");
        assertThat(d.differences()).contains("IF: native 0, virtual 1");
    }

    @Test
    void runInSlicesNamesTheInstructionInsideALongSlice() {
        String longer = PROGRAM.replace("addi r2, r0, 2", "addi r2, r0, 2\n" + "        nop\n".repeat(40));

        Lockstep.Divergence d = Lockstep.runInSlices(
                () -> sides(new SideBySide(longer, DirectCpu.ignoringCli(), 1000)), 1000).divergence().orElseThrow();

        assertThat(d.text()).isEqualTo("cli");
        assertThat(d.instruction()).isEqualTo(44);
    }

    private static Lockstep.Sides sides(CpuVirtualization cpu) {
        return sides(new SideBySide(PROGRAM, cpu, 1000));
    }

    private static Lockstep.Sides sides(SideBySide s) {
        return new Lockstep.Sides(s.bare, s.vm);
    }
}
