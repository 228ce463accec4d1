package org.vmlab.cpu.bt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vmlab.cpu.bt.Units.insn;
import static org.vmlab.cpu.bt.Units.unit;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;

/**
 * A translation unit: a basic block of at most a dozen guest instructions, each with its
 * translation, chained to the units control passed to directly, and unchained both ways when it
 * is invalidated.
 */
class TranslationUnitTest {

    @Test
    void aUnitHoldsAtMostADozenInstructionsAsInVmwaresTranslator() {
        assertThat(TranslationUnit.MAX_INSTRUCTIONS).isEqualTo(12);
    }

    @Test
    void aUnitOfMoreThanADozenInstructionsIsRefused() {
        assertThatThrownBy(() -> unit(0x1000, TranslationUnit.MAX_INSTRUCTIONS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aUnitNeverCrossesAPage() {
        assertThatThrownBy(() -> unit(0x0040_0000, 0x0000_1FFC, 2, Opcode.JMP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never crosses a page");
    }

    @Test
    void aUnitNeedsAtLeastOneInstructionAndOneTranslationForEach() {
        assertThatThrownBy(() -> new TranslationUnit(0, 0, new Instruction[0], new Translation[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TranslationUnit(0, 0, new Instruction[] {insn(Opcode.NOP)},
                new Translation[] {Translation.IDENT, Translation.IDENT}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itKeepsItsOwnCopiesOfTheInstructionsAndTranslations() {
        Instruction[] instructions = {insn(Opcode.NOP), insn(Opcode.CLI)};
        Translation[] translations = {Translation.IDENT, Translation.CALLOUT};
        TranslationUnit unit = new TranslationUnit(0x1000, 0x5000, instructions, translations);

        instructions[1] = insn(Opcode.NOP);
        translations[1] = Translation.IDENT;

        assertThat(unit.instruction(1).opcode()).isEqualTo(Opcode.CLI);
        assertThat(unit.translation(1)).isEqualTo(Translation.CALLOUT);
        assertThat(unit.length()).isEqualTo(2);
    }

    @Test
    void itsFrameIsTheMachineFrameItWasTranslatedFrom() {
        TranslationUnit unit = unit(0x0040_0FF0, 0x0000_7FF0, 4, Opcode.JMP);

        assertThat(unit.guestPc()).isEqualTo(0x0040_0FF0);
        assertThat(unit.machineAddress()).isEqualTo(0x7FF0);
        assertThat(unit.frame()).isEqualTo(7);
    }

    @Property
    void itCoversExactlyTheMachineBytesOfItsInstructions(@ForAll @IntRange(min = 1, max = 12) int length,
            @ForAll @IntRange(min = 0x1000, max = 0xF000) int machineAddress, @ForAll @IntRange(min = -8, max = 56) int offset) {
        int page = machineAddress & ~0xFFF;
        int start = Math.min(machineAddress & ~3, page + 0x1000 - 4 * length);   // within its page
        TranslationUnit unit = unit(0x0040_0000, start, length, Opcode.JMP);
        int pa = unit.machineAddress() + offset;

        assertThat(unit.covers(pa)).isEqualTo(offset >= 0 && offset < 4 * length);
    }

    @ParameterizedTest
    @EnumSource(value = Opcode.class, names = {"JR", "CALLR", "RET"})
    void aUnitEndingInAnIndirectBranchMustLookItsSuccessorUp(Opcode last) {
        assertThat(unit(0x1000, 0x1000, 3, last).endsIndirect()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Opcode.class, names = {"JMP", "CALL", "BEQ", "BNE", "NOP", "CLI", "IRET", "HLT"})
    void aUnitEndingOtherwiseCanBeChained(Opcode last) {
        assertThat(unit(0x1000, 0x1000, 3, last).endsIndirect()).isFalse();
    }

    // --- chaining --------------------------------------------------------------------------------

    @Test
    void chainingLinksTheNextUnitByTheGuestPcItStartsAt() {
        TranslationUnit a = unit(0x1000, 4);
        TranslationUnit b = unit(0x2000, 4);
        TranslationUnit c = unit(0x1010, 4);

        a.chain(b);
        a.chain(c);

        assertThat(a.link(0x2000)).isSameAs(b);
        assertThat(a.link(0x1010)).isSameAs(c);
        assertThat(a.link(0x3000)).isNull();
        assertThat(a.links()).isEqualTo(2);
        assertThat(b.links()).as("links go one way").isZero();
    }

    @Test
    void chainingAnotherUnitAtTheSamePcReplacesTheLink() {
        TranslationUnit a = unit(0x1000, 4);
        TranslationUnit old = unit(0x2000, 4);
        TranslationUnit fresh = unit(0x2000, 2);

        a.chain(old);
        a.chain(fresh);

        assertThat(a.link(0x2000)).isSameAs(fresh);
        assertThat(a.links()).isEqualTo(1);
    }

    @Test
    void aUnitCanBeChainedToItself() {
        TranslationUnit loop = unit(0x1000, 3);

        loop.chain(loop);

        assertThat(loop.link(0x1000)).isSameAs(loop);
    }

    @Test
    void invalidatingAUnitUnlinksItBothWaysAndMarksItUnusable() {
        TranslationUnit before = unit(0x1000, 4);
        TranslationUnit unit = unit(0x2000, 4);
        TranslationUnit after = unit(0x3000, 4);
        before.chain(unit);
        unit.chain(after);
        before.chain(after);

        unit.invalidate();

        assertThat(unit.valid()).isFalse();
        assertThat(before.link(0x2000)).as("no unit stays chained to it").isNull();
        assertThat(unit.link(0x3000)).as("it is chained to nothing").isNull();
        assertThat(unit.links()).isZero();
        assertThat(before.link(0x3000)).as("other links stay").isSameAs(after);
        assertThat(before.valid()).isTrue();
        assertThat(after.valid()).isTrue();
    }

    @Test
    void invalidatingASelfChainedUnitDropsItsOwnLink() {
        TranslationUnit loop = unit(0x1000, 3);
        loop.chain(loop);

        loop.invalidate();

        assertThat(loop.link(0x1000)).isNull();
        assertThat(loop.links()).isZero();
    }

    @Test
    void aUnitInvalidatedAfterItsSuccessorWasDroppedLeavesNothingBehind() {
        TranslationUnit a = unit(0x1000, 4);
        TranslationUnit b = unit(0x2000, 4);
        a.chain(b);

        b.invalidate();
        a.invalidate();

        assertThat(a.links()).isZero();
        assertThat(b.links()).isZero();
    }
}
