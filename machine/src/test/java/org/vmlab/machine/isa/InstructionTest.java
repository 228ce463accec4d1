package org.vmlab.machine.isa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InstructionTest {

    @ParameterizedTest
    @EnumSource(Opcode.class)
    void everyOpcodeDecodesWhatItEncodes(Opcode op) {
        Format f = op.format();
        int imm = switch (f) {
            case BRANCH -> -5;
            case RRI, COMPARE_IMM, LOAD, STORE -> -32768;
            default -> f.hasImmediate() ? 65535 : 0;
        };
        Instruction insn = new Instruction(op, f.usesRa() ? 3 : 0, f.usesRb() ? 14 : 0,
                f.usesRc() ? 15 : 0, imm);

        assertThat(Instruction.decode(insn.encode())).isEqualTo(insn);
    }

    @Test
    void theOpcodeIsTheTopByte() {
        assertThat(new Instruction(Opcode.ADD, 1, 2, 3, 0).encode()).isEqualTo(0x2012_3000);
    }

    @Test
    void aBranchOffsetCountsWordsFromTheNextInstruction() {
        Instruction back = Instruction.decode(new Instruction(Opcode.JMP, 0, 0, 0, -2).encode());

        assertThat(back.branchTarget(0x1008)).isEqualTo(0x1004);
    }

    @Test
    void theZeroWordIsNotAnInstruction() {
        assertThat(Instruction.decode(0)).isNull();
        assertThat(Opcode.fromCode(0)).isNull();
    }
}
