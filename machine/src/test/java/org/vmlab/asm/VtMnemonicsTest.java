package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.asm.Sources.word;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vmlab.machine.isa.Opcode;

/** The vt feature's instructions go through the assembler and the disassembler as the table says. */
class VtMnemonicsTest {
    private final Disassembler disassembler = new Disassembler();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "vmptrld r1; VMPTRLD", "vmclear r2; VMCLEAR", "vmlaunch; VMLAUNCH", "vmresume; VMRESUME",
        "vmread r1, r2; VMREAD", "vmwrite r3, r4; VMWRITE", "vmcall; VMCALL"})
    void assembleAndDisassemble(String text, Opcode op) {
        int word = word(text);
        assertThat(word >>> 24).isEqualTo(op.code());
        assertThat(disassembler.disassemble(word, 0)).isEqualTo(text);
    }
}
