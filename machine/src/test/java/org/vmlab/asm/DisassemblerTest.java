package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.asm.Sources.assemble;
import static org.vmlab.asm.Sources.word;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.image.SymbolTable;

class DisassemblerTest {
    private final Disassembler disassembler = new Disassembler();

    @ParameterizedTest
    @ValueSource(strings = {"add r1, r2, r3", "addi r1, r2, -4", "lw r1, 8(sp)", "sw r1, -4(r2)",
        "cmp r1, r2", "cmpi r1, 10", "ret", "push r1", "pop r2", "jr r5", "mfcr r1, cr3",
        "mtcr cr3, r1", "in r1, 0x3f8", "out 0x3f8, r1", "int 0x80", "lidt r1", "smsw r2", "hlt",
        "ori r1, r2, 0xffff", "lui r3, 0x1234", "mov r4, sp", "lb r1, 0(r3)"})
    void printsWhatTheAssemblerReads(String text) {
        assertThat(disassembler.disassemble(word(text), 0)).isEqualTo(text);
    }

    @Test
    void branchTargetsAreAbsolute() {
        int jmp = word(".org 0x1000\njmp 0x1020");
        assertThat(disassembler.disassemble(jmp, 0x1000)).isEqualTo("jmp 0x00001020");
    }

    @Test
    void branchTargetsThroughSymbols() {
        SymbolTable symbols = new SymbolTable(Map.of("loop", 0x1000, "func", 0x2000));
        int jmpBack = word(".org 0x1010\nbne 0x1000");
        int call = word(".org 0x1010\ncall 0x2008");
        assertThat(disassembler.disassemble(jmpBack, 0x1010, symbols)).isEqualTo("bne loop");
        assertThat(disassembler.disassemble(call, 0x1010, symbols)).isEqualTo("call func+0x8");
    }

    @Test
    void wordsThatAreNotInstructions() {
        assertThat(disassembler.disassemble(0x12345678, 0)).isEqualTo(".word 0x12345678");
        assertThat(disassembler.disassemble(0x00000000, 0)).isEqualTo(".word 0x00000000");
        // add with junk in the unused low bits would not assemble back to the same word
        assertThat(disassembler.disassemble(0x20123001, 0)).isEqualTo(".word 0x20123001");
        // mfcr of the reserved cr1
        assertThat(disassembler.disassemble(0x0C100001, 0)).isEqualTo(".word 0x0c100001");
    }

    @Test
    void listingShowsAddressWordTextAndLabels() {
        String listing = disassembler.listing(assemble("""
                .org 0x100
                start: addi r1, r0, 3
                loop:  addi r1, r1, -1
                       bne loop
                       hlt
                """));
        assertThat(listing).isEqualTo("""
                ; segment text: 0x00000100..0x0000010f, 16 bytes
                start:
                  00000100: 30100003  addi r1, r0, 3
                loop:
                  00000104: 3011ffff  addi r1, r1, -1
                  00000108: 56fffffe  bne loop
                  0000010c: 02000000  hlt
                """);
    }
}
