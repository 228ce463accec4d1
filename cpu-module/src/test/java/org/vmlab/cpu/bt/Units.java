package org.vmlab.cpu.bt;

import java.util.Arrays;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;

/** Translation units made by hand, for the tests of units and of the cache. */
final class Units {
    private Units() {
    }

    static Instruction insn(Opcode op) {
        return new Instruction(op, 1, 1, 0, 0);
    }

    /** A unit at guest {@code pc} and machine address {@code ma}: {@code length - 1} nops, then {@code last}. */
    static TranslationUnit unit(int pc, int ma, int length, Opcode last) {
        Instruction[] instructions = new Instruction[length];
        Arrays.fill(instructions, insn(Opcode.NOP));
        instructions[length - 1] = insn(last);
        Translation[] translations = new Translation[length];
        Arrays.fill(translations, Translation.IDENT);
        return new TranslationUnit(pc, ma, instructions, translations);
    }

    /** A unit of {@code length} nops ending in a jmp, with guest pc and machine address {@code pc}. */
    static TranslationUnit unit(int pc, int length) {
        return unit(pc, pc, length, Opcode.JMP);
    }
}
