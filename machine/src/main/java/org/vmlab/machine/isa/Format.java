package org.vmlab.machine.isa;

import java.util.List;

/**
 * The operand layout of an instruction: which operands its assembly syntax takes and where each
 * lives in the 32-bit instruction word.
 *
 * <p>Every instruction is one little-endian 32-bit word. The opcode is always bits 31..24; the
 * rest is one of these fields:
 *
 * <pre>
 *   31      24 23    20 19    16 15    12 11            0
 *  +----------+--------+--------+--------+---------------+
 *  |  opcode  |   ra   |   rb   |   rc   |   (zero)      |   register fields
 *  +----------+--------+--------+--------+---------------+
 *  |  opcode  |   ra   |   rb   |        imm16           |   immediate field
 *  +----------+--------+--------+------------------------+
 *  |  opcode  |               off24                      |   branch field
 *  +----------+------------------------------------------+
 * </pre>
 *
 * The assembler, the disassembler and the decoder all read the operand list below, so the three
 * cannot disagree about the syntax of an instruction.
 */
public enum Format {
    /** No operands: {@code hlt}. */
    NONE(List.of(), ""),
    /** {@code add rd, rs1, rs2}: rd in ra, rs1 in rb, rs2 in rc. */
    RRR(List.of(Operand.RA, Operand.RB, Operand.RC), "rd, rs1, rs2"),
    /** {@code mov rd, rs}: rd in ra, rs in rb. */
    RR(List.of(Operand.RA, Operand.RB), "rd, rs"),
    /** {@code cmp rs1, rs2}: rs1 in rb, rs2 in rc (sets only the flags). */
    COMPARE(List.of(Operand.RB, Operand.RC), "rs1, rs2"),
    /** {@code addi rd, rs, imm}: rd in ra, rs in rb, a signed 16-bit immediate. */
    RRI(List.of(Operand.RA, Operand.RB, Operand.SIMM), "rd, rs, imm"),
    /** {@code ori rd, rs, imm}: as RRI but the immediate is zero-extended (0..65535). */
    RRU(List.of(Operand.RA, Operand.RB, Operand.UIMM), "rd, rs, imm"),
    /** {@code lui rd, imm}: rd in ra, an unsigned 16-bit immediate. */
    RU(List.of(Operand.RA, Operand.UIMM), "rd, imm"),
    /** {@code cmpi rs, imm}: rs in rb, a signed 16-bit immediate. */
    COMPARE_IMM(List.of(Operand.RB, Operand.SIMM), "rs, imm"),
    /** {@code lw rd, off(rs)}: rd in ra, base in rb, signed 16-bit offset. */
    LOAD(List.of(Operand.RA, Operand.MEM), "rd, off(rs)"),
    /** {@code sw rs, off(rbase)}: the stored register in ra, base in rb, signed 16-bit offset. */
    STORE(List.of(Operand.RA, Operand.MEM), "rs, off(rbase)"),
    /** {@code pop rd}, {@code smsw rd}: one destination register in ra. */
    RD(List.of(Operand.RA), "rd"),
    /** {@code push rs}, {@code jr rs}: one source register in rb. */
    RS(List.of(Operand.RB), "rs"),
    /** {@code jmp label}: a signed 24-bit word offset from the next instruction. */
    BRANCH(List.of(Operand.TARGET), "target"),
    /** {@code mfcr rd, cr3}: rd in ra, control register number in imm16. */
    FROM_CR(List.of(Operand.RA, Operand.CREG), "rd, crN"),
    /** {@code mtcr cr3, rs}: control register number in imm16, source in rb. */
    TO_CR(List.of(Operand.CREG, Operand.RB), "crN, rs"),
    /** {@code in rd, port}: rd in ra, port number in imm16. */
    IN(List.of(Operand.RA, Operand.PORT), "rd, port"),
    /** {@code out port, rs}: port number in imm16, source in rb. */
    OUT(List.of(Operand.PORT, Operand.RB), "port, rs"),
    /** {@code int vector}: interrupt vector 0..255 in imm16. */
    VECTOR(List.of(Operand.VEC), "v");

    private final List<Operand> operands;
    private final String syntax;

    Format(List<Operand> operands, String syntax) {
        this.operands = operands;
        this.syntax = syntax;
    }

    /** The operands as the reference writes them, such as {@code "rd, off(rs)"}. */
    public String syntax() {
        return syntax;
    }

    /** The operands in the order the assembly syntax writes them. */
    public List<Operand> operands() {
        return operands;
    }

    /** True if the ra field (bits 23..20) holds a register. */
    public boolean usesRa() {
        return operands.contains(Operand.RA);
    }

    /** True if the rb field (bits 19..16) holds a register. */
    public boolean usesRb() {
        return operands.contains(Operand.RB) || operands.contains(Operand.MEM);
    }

    /** True if the rc field (bits 15..12) holds a register. */
    public boolean usesRc() {
        return operands.contains(Operand.RC);
    }

    /** True if bits 15..0 hold an immediate (a value, offset, port, vector or register number). */
    public boolean hasImmediate() {
        return !usesRc() && this != NONE && this != RR && this != RD && this != RS && this != BRANCH;
    }

    /** What an operand is and which bits of the word hold it. */
    public enum Operand {
        /** A register in bits 23..20. */
        RA,
        /** A register in bits 19..16. */
        RB,
        /** A register in bits 15..12. */
        RC,
        /** A signed 16-bit immediate in bits 15..0 (-32768..32767). */
        SIMM,
        /** An unsigned 16-bit immediate in bits 15..0 (0..65535). */
        UIMM,
        /** {@code off(reg)}: a signed 16-bit offset in bits 15..0 and a base register in rb. */
        MEM,
        /** A code address, encoded as a signed 24-bit word offset from the next instruction. */
        TARGET,
        /** A control register {@code crN}, its number in bits 15..0. */
        CREG,
        /** An I/O port number 0..65535 in bits 15..0. */
        PORT,
        /** An interrupt vector 0..255 in bits 15..0. */
        VEC
    }
}
