package org.vmlab.machine.isa;

import static org.vmlab.machine.isa.Format.BRANCH;
import static org.vmlab.machine.isa.Format.FROM_CR;
import static org.vmlab.machine.isa.Format.LOAD;
import static org.vmlab.machine.isa.Format.NONE;
import static org.vmlab.machine.isa.Format.RD;
import static org.vmlab.machine.isa.Format.RR;
import static org.vmlab.machine.isa.Format.RRI;
import static org.vmlab.machine.isa.Format.RRR;
import static org.vmlab.machine.isa.Format.RRU;
import static org.vmlab.machine.isa.Format.RS;
import static org.vmlab.machine.isa.Format.RU;
import static org.vmlab.machine.isa.Format.STORE;
import static org.vmlab.machine.isa.Format.TO_CR;
import static org.vmlab.machine.isa.Format.VECTOR;
import static org.vmlab.machine.isa.Sensitivity.BEHAVIOR;
import static org.vmlab.machine.isa.Sensitivity.CONTROL;
import static org.vmlab.machine.isa.Sensitivity.INNOCUOUS;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The instruction table: every instruction of the machine, with its encoding, semantics,
 * sensitivity and whether it ends a basic block.
 *
 * <p>This table is the machine's single source of truth. The decoder, the assembler, the
 * disassembler and {@code docs/isa.md} are all derived from it, and the binary translator reads
 * it to find the instructions it must not copy. Semantics use {@code M[a]} for the 32-bit word at
 * virtual address {@code a}, {@code sp} for {@code r14}, and {@code sx(imm)}/{@code zx(imm)} for
 * sign- and zero-extension of the 16-bit immediate.
 *
 * <p>An instruction whose sensitivity is not {@link Sensitivity#INNOCUOUS} is privileged on the
 * {@code classic} variant: executed outside ring 0 it raises a general-protection fault (#GP). An
 * instruction with an {@link #unprivilegedSemantics() unprivileged form} may instead be
 * <em>unprivileged</em> on a variant (see {@link IsaVariant}): outside ring 0 it then does not
 * trap but does what {@code unprivilegedSemantics} says, which is how the {@code legacy} variant
 * models the x86 instructions that defeat trap-and-emulate (Robin and Irvine, USENIX Security
 * 2000).
 */
public enum Opcode {
    // --- system -------------------------------------------------------------------------------
    NOP(0x01, NONE, INNOCUOUS, 1, false, "no effect"),
    HLT(0x02, NONE, CONTROL, 1, true,
            "if IF=1: wait for the next interrupt; if IF=0: stop the machine (halt)"),
    CLI(0x03, NONE, CONTROL, 1, true, "IF <- 0 (mask external interrupts)"),
    STI(0x04, NONE, CONTROL, 1, true, "IF <- 1 (unmask external interrupts)"),
    IRET(0x05, NONE, CONTROL, 4, true,
            "pc <- M[sp]; FLAGS <- M[sp+4] (CPL and IF included); sp <- M[sp+8]"),
    PUSHF(0x06, NONE, BEHAVIOR, 1, false,
            "sp <- sp-4; M[sp] <- FLAGS (condition bits, IF and CPL)",
            "as in ring 0: the pushed FLAGS reveal the current ring (CPL)"),
    POPF(0x07, NONE, CONTROL, 1, true,
            "FLAGS <- M[sp] except CPL; sp <- sp+4",
            "loads only the condition bits: a change of IF is silently ignored, no trap"),
    INT(0x08, VECTOR, INNOCUOUS, 4, true,
            "software interrupt through vector v; #GP if the gate's DPL < CPL"),
    SMSW(0x09, RD, BEHAVIOR, 1, false,
            "rd <- machine status word: CR0 bits 7..0, CPL in bits 9..8",
            "as in ring 0: the status word reveals the current ring (CPL)"),
    SIDT(0x0A, RD, BEHAVIOR, 1, false,
            "rd <- IDTR (the address of the interrupt table)",
            "as in ring 0: reveals where the interrupt table really is"),
    LIDT(0x0B, RS, CONTROL, 1, true, "IDTR <- rs"),
    MFCR(0x0C, FROM_CR, BEHAVIOR, 1, false, "rd <- crN"),
    MTCR(0x0D, TO_CR, CONTROL, 1, true,
            "crN <- rs; writing cr3 flushes the untagged TLB entries"),
    INVLPG(0x0E, RS, CONTROL, 1, false, "drop the TLB entry for the page holding address rs"),
    IN(0x0F, Format.IN, CONTROL, 1, false, "rd <- read of I/O port p"),
    OUT(0x10, Format.OUT, CONTROL, 1, false, "write rs to I/O port p"),

    // --- the vt feature (docs/isa.md, "Hardware-assisted virtualization"): #UD without it -----
    VMPTRLD(0x18, RS, true, 1, "current VMCS <- the VMCS at machine address rs"),
    VMCLEAR(0x19, RS, true, 1, "launch state of the VMCS at rs <- clear; not current any more"),
    VMLAUNCH(0x1A, NONE, true, 4, "VM entry into the current (clear) VMCS's guest, in non-root mode"),
    VMRESUME(0x1B, NONE, true, 4, "VM entry into the current (launched) VMCS's guest, in non-root mode"),
    VMREAD(0x1C, RR, true, 1, "rd <- the current VMCS's field whose encoding is rs"),
    VMWRITE(0x1D, Format.COMPARE, true, 1, "the current VMCS's field whose encoding is rs1 <- rs2"),
    VMCALL(0x1E, NONE, true, 1, "in non-root mode: a VM exit (the guest calls its monitor)"),

    // --- arithmetic and logic on registers ----------------------------------------------------
    ADD(0x20, RRR, INNOCUOUS, 1, false, "rd <- rs1 + rs2"),
    SUB(0x21, RRR, INNOCUOUS, 1, false, "rd <- rs1 - rs2"),
    AND(0x22, RRR, INNOCUOUS, 1, false, "rd <- rs1 & rs2"),
    OR(0x23, RRR, INNOCUOUS, 1, false, "rd <- rs1 | rs2"),
    XOR(0x24, RRR, INNOCUOUS, 1, false, "rd <- rs1 ^ rs2"),
    SHL(0x25, RRR, INNOCUOUS, 1, false, "rd <- rs1 << (rs2 & 31)"),
    SHR(0x26, RRR, INNOCUOUS, 1, false, "rd <- rs1 >>> (rs2 & 31) (logical)"),
    SAR(0x27, RRR, INNOCUOUS, 1, false, "rd <- rs1 >> (rs2 & 31) (arithmetic)"),
    MUL(0x28, RRR, INNOCUOUS, 3, false, "rd <- low 32 bits of rs1 * rs2"),
    DIV(0x29, RRR, INNOCUOUS, 20, false, "rd <- rs1 / rs2 (signed, toward zero); #DE if rs2 = 0"),
    DIVU(0x2A, RRR, INNOCUOUS, 20, false, "rd <- rs1 / rs2 (unsigned); #DE if rs2 = 0"),
    REM(0x2B, RRR, INNOCUOUS, 20, false, "rd <- rs1 % rs2 (signed); #DE if rs2 = 0"),
    REMU(0x2C, RRR, INNOCUOUS, 20, false, "rd <- rs1 % rs2 (unsigned); #DE if rs2 = 0"),
    CMP(0x2D, Format.COMPARE, INNOCUOUS, 1, false,
            "set Z, N, C, V from rs1 - rs2 (C: unsigned borrow, V: signed overflow)"),
    TST(0x2E, Format.COMPARE, INNOCUOUS, 1, false, "set Z, N from rs1 & rs2; clear C, V"),
    MOV(0x2F, RR, INNOCUOUS, 1, false, "rd <- rs"),

    // --- arithmetic and logic with an immediate -----------------------------------------------
    ADDI(0x30, RRI, INNOCUOUS, 1, false, "rd <- rs + sx(imm)"),
    ANDI(0x31, RRU, INNOCUOUS, 1, false, "rd <- rs & zx(imm)"),
    ORI(0x32, RRU, INNOCUOUS, 1, false, "rd <- rs | zx(imm)"),
    XORI(0x33, RRU, INNOCUOUS, 1, false, "rd <- rs ^ zx(imm)"),
    SHLI(0x34, RRU, INNOCUOUS, 1, false, "rd <- rs << (imm & 31)"),
    SHRI(0x35, RRU, INNOCUOUS, 1, false, "rd <- rs >>> (imm & 31) (logical)"),
    SARI(0x36, RRU, INNOCUOUS, 1, false, "rd <- rs >> (imm & 31) (arithmetic)"),
    LUI(0x37, RU, INNOCUOUS, 1, false, "rd <- imm << 16"),
    CMPI(0x38, Format.COMPARE_IMM, INNOCUOUS, 1, false, "set Z, N, C, V from rs - sx(imm)"),
    MULI(0x39, RRI, INNOCUOUS, 3, false, "rd <- low 32 bits of rs * sx(imm)"),

    // --- memory --------------------------------------------------------------------------------
    LW(0x40, LOAD, INNOCUOUS, 1, false, "rd <- M[rs + sx(off)] (address must be 4-aligned, else #AC)"),
    LB(0x41, LOAD, INNOCUOUS, 1, false, "rd <- sign-extended byte at rs + sx(off)"),
    LBU(0x42, LOAD, INNOCUOUS, 1, false, "rd <- zero-extended byte at rs + sx(off)"),
    SW(0x43, STORE, INNOCUOUS, 1, false, "M[rbase + sx(off)] <- rs (4-aligned, else #AC)"),
    SB(0x44, STORE, INNOCUOUS, 1, false, "byte at rbase + sx(off) <- low 8 bits of rs"),
    PUSH(0x45, RS, INNOCUOUS, 1, false, "sp <- sp - 4; M[sp] <- rs"),
    POP(0x46, RD, INNOCUOUS, 1, false, "rd <- M[sp]; sp <- sp + 4"),

    // --- control transfer ----------------------------------------------------------------------
    JMP(0x50, BRANCH, INNOCUOUS, 1, true, "pc <- target"),
    CALL(0x51, BRANCH, INNOCUOUS, 2, true, "sp <- sp - 4; M[sp] <- pc + 4; pc <- target"),
    JR(0x52, RS, INNOCUOUS, 1, true, "pc <- rs (indirect)"),
    CALLR(0x53, RS, INNOCUOUS, 2, true, "sp <- sp - 4; M[sp] <- pc + 4; pc <- rs (indirect)"),
    RET(0x54, NONE, INNOCUOUS, 2, true, "pc <- M[sp]; sp <- sp + 4"),
    BEQ(0x55, BRANCH, INNOCUOUS, 1, true, "if Z: pc <- target"),
    BNE(0x56, BRANCH, INNOCUOUS, 1, true, "if not Z: pc <- target"),
    BLT(0x57, BRANCH, INNOCUOUS, 1, true, "if N != V (signed <): pc <- target"),
    BGE(0x58, BRANCH, INNOCUOUS, 1, true, "if N = V (signed >=): pc <- target"),
    BLE(0x59, BRANCH, INNOCUOUS, 1, true, "if Z or N != V (signed <=): pc <- target"),
    BGT(0x5A, BRANCH, INNOCUOUS, 1, true, "if not Z and N = V (signed >): pc <- target"),
    BLTU(0x5B, BRANCH, INNOCUOUS, 1, true, "if C (unsigned <): pc <- target"),
    BGEU(0x5C, BRANCH, INNOCUOUS, 1, true, "if not C (unsigned >=): pc <- target");

    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode op : values()) {
            if (BY_CODE[op.code] != null) {
                throw new ExceptionInInitializerError("duplicate opcode " + op.code);
            }
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final Format format;
    private final Sensitivity sensitivity;
    private final int cycles;
    private final boolean endsBlock;
    private final String semantics;
    private final String unprivilegedSemantics;
    private final boolean requiresVt;

    Opcode(int code, Format format, Sensitivity sensitivity, int cycles, boolean endsBlock,
           String semantics) {
        this(code, format, sensitivity, cycles, endsBlock, semantics, null);
    }

    Opcode(int code, Format format, Sensitivity sensitivity, int cycles, boolean endsBlock,
           String semantics, String unprivilegedSemantics) {
        this.code = code;
        this.format = format;
        this.sensitivity = sensitivity;
        this.cycles = cycles;
        this.endsBlock = endsBlock;
        this.semantics = semantics;
        this.unprivilegedSemantics = unprivilegedSemantics;
        this.requiresVt = false;
    }

    /**
     * An instruction of the {@code vt} feature: it exists only on a machine configured with it
     * (#UD elsewhere, in every ring), so that on the variants' own terms it is innocuous and the
     * Popek-Goldberg classification of the machine without the feature is unchanged. With the
     * feature it is privileged in root mode and exits in non-root mode (docs/isa.md).
     */
    Opcode(int code, Format format, boolean requiresVt, int cycles, String semantics) {
        this.code = code;
        this.format = format;
        this.sensitivity = INNOCUOUS;
        this.cycles = cycles;
        this.endsBlock = true;
        this.semantics = semantics;
        this.unprivilegedSemantics = null;
        this.requiresVt = requiresVt;
    }

    /** The opcode byte (bits 31..24 of the instruction word). */
    public int code() {
        return code;
    }

    /** The assembly mnemonic, in lower case. */
    public String mnemonic() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Format format() {
        return format;
    }

    public Sensitivity sensitivity() {
        return sensitivity;
    }

    /** The base cost of executing the instruction, in simulated cycles. */
    public int cycles() {
        return cycles;
    }

    /**
     * True if the instruction may transfer control or change the processor's mode, so that the
     * next instruction is not simply the one that follows: a basic block ends after it.
     */
    public boolean endsBlock() {
        return endsBlock;
    }

    /** What the instruction does in ring 0, in the notation of {@code docs/isa.md}. */
    public String semantics() {
        return semantics;
    }

    /**
     * What the instruction does outside ring 0 on a variant where it is unprivileged, or empty if
     * it has no unprivileged form (it then traps outside ring 0 on every variant).
     */
    public Optional<String> unprivilegedSemantics() {
        return Optional.ofNullable(unprivilegedSemantics);
    }

    /**
     * True for the instructions of the {@code vt} feature (vmptrld, vmclear, vmlaunch, vmresume,
     * vmread, vmwrite, vmcall): #UD on a machine without it.
     */
    public boolean requiresVt() {
        return requiresVt;
    }

    /** True if the classic machine traps this instruction outside ring 0. */
    public boolean isSensitive() {
        return sensitivity != INNOCUOUS;
    }

    /** The instruction with this opcode byte, or null if the byte is not an opcode (#UD). */
    public static Opcode fromCode(int code) {
        return BY_CODE[code & 0xFF];
    }

    /** The instruction with this mnemonic (any case), if there is one. */
    public static Optional<Opcode> fromMnemonic(String mnemonic) {
        String upper = mnemonic.toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(op -> op.name().equals(upper)).findFirst();
    }
}
