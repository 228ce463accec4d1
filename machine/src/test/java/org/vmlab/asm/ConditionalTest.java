package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.asm.Sources.errors;
import static org.vmlab.asm.Sources.word;
import static org.vmlab.asm.Sources.words;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.image.Image;

class ConditionalTest {

    @Test
    void ifElifElse() {
        String source = """
                .if MODE == 1
                  nop
                .elif MODE == 2
                  hlt
                .else
                  ret
                .endif
                """;
        assertThat(words("MODE = 1\n" + source)).containsExactly(word("nop"));
        assertThat(words("MODE = 2\n" + source)).containsExactly(word("hlt"));
        assertThat(words("MODE = 3\n" + source)).containsExactly(word("ret"));
    }

    @Test
    void nested() {
        assertThat(words("""
                .if 1
                  .if 0
                    nop
                  .else
                    hlt
                  .endif
                .else
                  .if 1
                    ret
                  .endif
                .endif
                """)).containsExactly(word("hlt"));
    }

    @Test
    void ifdefAndIfndef() throws AssemblyException {
        String source = """
                .ifdef PARAVIRT
                  int 0x81
                .endif
                .ifndef PARAVIRT
                  cli
                .endif
                """;
        assertThat(words(source)).containsExactly(word("cli"));
        Image pv = Assembler.assembleSource("t.s", source, Map.of("PARAVIRT", 1));
        assertThat(pv.segments().get(0).wordAt(0)).isEqualTo(word("int 0x81"));
    }

    @Test
    void skippedLinesAreNotChecked() {
        assertThat(words(".if 0\n bogus r99, \"unterminated\n .word undefined\n.endif\nnop"))
                .containsExactly(word("nop"));
    }

    @Test
    void conditionsOfBranchesThatCannotBeTakenAreNotEvaluated() {
        assertThat(words(".if 1\nnop\n.elif UNDEFINED\nhlt\n.endif")).containsExactly(word("nop"));
    }

    @Test
    void ifNeedsSymbolsDefinedAbove() {
        assertThat(errors(".if LATER\n.endif\nLATER = 1"))
                .containsExactly("t.s:1:5: undefined symbol 'LATER' (.if needs symbols defined above it)");
    }

    @Test
    void unbalanced() {
        assertThat(errors("nop\n  .if 1\nnop")).containsExactly("t.s:2:3: .if has no .endif");
        assertThat(errors(".endif")).containsExactly("t.s:1:1: .endif without .if");
        assertThat(errors(".else")).containsExactly("t.s:1:1: .else without .if");
        assertThat(errors(".if 1\n.else\n.elif 1\n.endif")).containsExactly("t.s:3:1: .elif after .else");
    }

    @Test
    void errorDirective() {
        assertThat(errors(".ifndef SIZE\n  .error \"SIZE must be defined\"\n.endif"))
                .containsExactly("t.s:2:3: SIZE must be defined");
    }
}
