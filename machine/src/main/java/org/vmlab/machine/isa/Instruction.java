package org.vmlab.machine.isa;

/**
 * One decoded instruction: its opcode and its fields, as {@link Format} lays them out.
 *
 * <p>{@code ra}, {@code rb}, {@code rc} are register numbers; {@code imm} holds the immediate
 * already extended as the format says (sign-extended for signed immediates and offsets, the
 * word offset of a branch), so that executing an instruction never re-examines its bits.
 */
public record Instruction(Opcode opcode, int ra, int rb, int rc, int imm) {

    /**
     * Decodes one instruction word, or returns null if its opcode byte is not an instruction.
     * Fields the format does not use decode as 0.
     */
    public static Instruction decode(int word) {
        Opcode op = Opcode.fromCode(word >>> 24);
        if (op == null) {
            return null;
        }
        Format f = op.format();
        int ra = f.usesRa() ? (word >>> 20) & 0xF : 0;
        int rb = f.usesRb() ? (word >>> 16) & 0xF : 0;
        int rc = f.usesRc() ? (word >>> 12) & 0xF : 0;
        int imm = switch (f) {
            case BRANCH -> (word << 8) >> 8;             // signed 24-bit word offset
            case RRI, COMPARE_IMM, LOAD, STORE -> (short) word;  // signed 16 bits
            case RRR, RR, COMPARE, RD, RS, NONE -> 0;
            default -> word & 0xFFFF;                      // unsigned 16 bits
        };
        return new Instruction(op, ra, rb, rc, imm);
    }

    /** Encodes this instruction into its 32-bit word. */
    public int encode() {
        Format f = opcode.format();
        int word = opcode.code() << 24;
        if (f == Format.BRANCH) {
            return word | (imm & 0xFF_FFFF);
        }
        if (f.usesRa()) {
            word |= (ra & 0xF) << 20;
        }
        if (f.usesRb()) {
            word |= (rb & 0xF) << 16;
        }
        if (f.usesRc()) {
            word |= (rc & 0xF) << 12;
        } else if (f.hasImmediate()) {
            word |= imm & 0xFFFF;
        }
        return word;
    }

    /** For a branch at {@code pc}, the address it jumps to. */
    public int branchTarget(int pc) {
        return pc + 4 + (imm << 2);
    }
}
