package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.asm.Sources.assemble;
import static org.vmlab.asm.Sources.errors;
import static org.vmlab.asm.Sources.word;
import static org.vmlab.asm.Sources.words;

import org.junit.jupiter.api.Test;

class MacroTest {

    @Test
    void parametersAreSubstituted() {
        assertThat(words("""
                .macro push2 a, b
                  push \\a
                  push \\b
                .endm
                push2 r1, r2
                """)).containsExactly(word("push r1"), word("push r2"));
    }

    @Test
    void argumentsMayBeExpressions() {
        assertThat(words("""
                .macro set reg, value
                  addi \\reg, r0, \\value
                .endm
                set r3, (1 + 2) * 4
                """)).containsExactly(word("addi r3, r0, 12"));
    }

    @Test
    void atSignGivesEachExpansionItsOwnLabels() {
        var image = assemble("""
                .macro spin
                wait\\@: jmp wait\\@
                .endm
                spin
                spin
                """);
        assertThat(image.symbols().address("wait0")).contains(0);
        assertThat(image.symbols().address("wait1")).contains(4);
        assertThat(image.segments().get(0).wordAt(4)).isEqualTo(0x50FFFFFF);
    }

    @Test
    void macrosMayCallMacros() {
        assertThat(words("""
                .macro one r
                  push \\r
                .endm
                .macro two a, b
                  one \\a
                  one \\b
                .endm
                two r1, r2
                """)).containsExactly(word("push r1"), word("push r2"));
    }

    @Test
    void conditionalsInsideMacros() {
        assertThat(words("""
                .macro maybe n
                .if \\n > 1
                  nop
                .else
                  hlt
                .endif
                .endm
                maybe 2
                maybe 0
                """)).containsExactly(word("nop"), word("hlt"));
    }

    @Test
    void recursionIsCappedWithAnError() {
        assertThat(errors(".macro forever\n forever\n.endm\nforever").get(0))
                .startsWith("t.s:2:2: macros nested more than 32 deep (does macro forever call itself?)");
    }

    @Test
    void errorsInsideAnExpansionNameTheBodyLineAndTheCall() {
        assertThat(errors(".macro bad\n addi r1, r1, 99999\n.endm\nbad"))
                .containsExactly("t.s:2:15: immediate 99999 does not fit in 16 bits (-32768..32767)"
                        + " (in macro bad called at t.s:4)");
    }

    @Test
    void wrongArgumentCount() {
        assertThat(errors(".macro m a, b\n.endm\nm r1"))
                .containsExactly("t.s:3:1: macro m takes 2 arguments, found 1");
    }

    @Test
    void missingEndm() {
        assertThat(errors("nop\n.macro m\nnop")).containsExactly("t.s:2:1: .macro m has no .endm");
    }

    @Test
    void endmWithoutMacro() {
        assertThat(errors("  .endm")).containsExactly("t.s:1:3: .endm without .macro");
    }
}
