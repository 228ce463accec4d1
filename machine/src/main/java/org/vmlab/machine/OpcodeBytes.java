package org.vmlab.machine;

import org.vmlab.machine.isa.Opcode;

/**
 * The opcode bytes (bits 31..24 of the instruction word) of the instructions the interpreter's
 * inner loop runs itself, as compile-time constants: its {@code switch} dispatches on the byte of
 * the word it already holds. A switch over {@link Opcode} would compile to a lookup of the
 * constant's ordinal in a synthetic table first ({@code $SwitchMap$}), two more dependent loads
 * and a null check on every instruction. {@code OpcodeBytesTest} holds every constant to its
 * {@link Opcode#code()}.
 */
final class OpcodeBytes {
    static final int ADD = 0x20;
    static final int SUB = 0x21;
    static final int AND = 0x22;
    static final int OR = 0x23;
    static final int XOR = 0x24;
    static final int SHL = 0x25;
    static final int SHR = 0x26;
    static final int SAR = 0x27;
    static final int MUL = 0x28;
    static final int DIV = 0x29;
    static final int DIVU = 0x2A;
    static final int REM = 0x2B;
    static final int REMU = 0x2C;
    static final int CMP = 0x2D;
    static final int TST = 0x2E;
    static final int MOV = 0x2F;
    static final int ADDI = 0x30;
    static final int ANDI = 0x31;
    static final int ORI = 0x32;
    static final int XORI = 0x33;
    static final int SHLI = 0x34;
    static final int SHRI = 0x35;
    static final int SARI = 0x36;
    static final int LUI = 0x37;
    static final int CMPI = 0x38;
    static final int MULI = 0x39;
    static final int LW = 0x40;
    static final int LB = 0x41;
    static final int LBU = 0x42;
    static final int SW = 0x43;
    static final int SB = 0x44;
    static final int PUSH = 0x45;
    static final int POP = 0x46;
    static final int JMP = 0x50;
    static final int CALL = 0x51;
    static final int JR = 0x52;
    static final int CALLR = 0x53;
    static final int RET = 0x54;
    static final int BEQ = 0x55;
    static final int BNE = 0x56;
    static final int BLT = 0x57;
    static final int BGE = 0x58;
    static final int BLE = 0x59;
    static final int BGT = 0x5A;
    static final int BLTU = 0x5B;
    static final int BGEU = 0x5C;

    private OpcodeBytes() {
    }
}
