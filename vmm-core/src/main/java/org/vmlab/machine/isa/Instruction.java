package org.vmlab.machine.isa;

/**
 * One decoded instruction: its opcode and its fields, as {@link Format} lays them out.
 *
 * <p>{@code ra}, {@code rb}, {@code rc} are register numbers; {@code imm} holds the immediate
 * already extended as the format says (sign-extended for signed immediates and offsets, the
 * word offset of a branch), so that executing an instruction never re-examines its bits.
 */
public record Instruction(Opcode opcode, int ra, int rb, int rc, int imm) {

    /** Decodes one instruction word, or returns null if its opcode byte is not an instruction. */
    public static Instruction decode(int word) {
        Opcode op = Opcode.fromCode(word >>> 24);
        if (op == null) {
            return null;
        }
        int ra = (word >>> 20) & 0xF;
        int rb = (word >>> 16) & 0xF;
        int rc = (word >>> 12) & 0xF;
        int imm = switch (op.format()) {
            case BRANCH -> (word << 8) >> 8;             // signed 24-bit word offset
            case RRI, COMPARE_IMM, LOAD, STORE -> (short) word;  // signed 16 bits
            case RRR, RR, COMPARE, RD, RS, NONE -> 0;
            default -> word & 0xFFFF;                      // unsigned 16 bits
        };
        return new Instruction(op, ra, rb, rc, imm);
    }

    /** Encodes this instruction back into its 32-bit word. */
    public int encode() {
        int word = opcode.code() << 24;
        return switch (opcode.format()) {
            case BRANCH -> word | (imm & 0xFF_FFFF);
            case RRR, COMPARE, RR, RD, RS, NONE -> word | ra << 20 | rb << 16 | rc << 12;
            default -> word | ra << 20 | rb << 16 | (imm & 0xFFFF);
        };
    }

    /** For a branch at {@code pc}, the address it jumps to. */
    public int branchTarget(int pc) {
        return pc + 4 + (imm << 2);
    }
}
