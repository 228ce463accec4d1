package org.vmlab.asm;

import java.util.ArrayList;
import java.util.List;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.isa.Format;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;

/**
 * Turns instruction words back into assembly text, reading the same instruction table as the
 * assembler.
 *
 * <p>Without a symbol table the output is valid assembler input that assembles to the same word:
 * a word that is not the exact encoding of an instruction (an unknown opcode, bits set in unused
 * fields, a reserved control register) comes out as {@code .word 0x........}.
 */
public final class Disassembler {

    /** The text of {@code word} at address {@code pc}, branch targets as absolute hex. */
    public String disassemble(int word, int pc) {
        return disassemble(word, pc, SymbolTable.empty());
    }

    /**
     * The text of {@code word} at address {@code pc}; branch targets are named through
     * {@code symbols} ({@code loop}, {@code func+0x8}) where a symbol precedes them.
     */
    public String disassemble(int word, int pc, SymbolTable symbols) {
        Instruction in = Instruction.decode(word);
        if (in == null || !isCanonical(in, word)) {
            return dataWord(word);
        }
        Opcode op = in.opcode();
        List<String> operands = new ArrayList<>();
        for (Format.Operand kind : op.format().operands()) {
            operands.add(switch (kind) {
                case RA -> Registers.name(in.ra());
                case RB -> Registers.name(in.rb());
                case RC -> Registers.name(in.rc());
                case SIMM -> Integer.toString(in.imm());
                case UIMM, PORT, VEC -> number(in.imm());
                case MEM -> in.imm() + "(" + Registers.name(in.rb()) + ")";
                case TARGET -> symbols.describe(in.branchTarget(pc));
                case CREG -> "cr" + in.imm();
            });
        }
        return operands.isEmpty() ? op.mnemonic() : op.mnemonic() + " " + String.join(", ", operands);
    }

    /**
     * A listing of every segment of {@code image}: one line per word with its address, the word
     * in hex and its disassembly, and a line {@code name:} before each labelled address.
     */
    public String listing(Image image) {
        StringBuilder out = new StringBuilder();
        for (Segment s : image.segments()) {
            out.append(String.format("; segment %s: 0x%08x..0x%08x, %d bytes%n", s.name(),
                    s.address(), s.end() - 1, s.size()));
            for (int offset = 0; offset < s.size(); offset += 4) {
                int address = s.address() + offset;
                for (String label : image.symbols().namesAt(address)) {
                    out.append(label).append(":\n");
                }
                if (s.size() - offset < 4) {
                    List<String> bytes = new ArrayList<>();
                    for (int i = offset; i < s.size(); i++) {
                        bytes.add(String.format("0x%02x", s.byteAt(s.address() + i)));
                    }
                    out.append(String.format("  %08x:           .byte %s%n", address, String.join(", ", bytes)));
                } else {
                    int word = s.wordAt(address);
                    out.append(String.format("  %08x: %08x  %s%n", address, word,
                            disassemble(word, address, image.symbols())));
                }
            }
        }
        return out.toString();
    }

    private static String dataWord(int word) {
        return String.format(".word 0x%08x", word);
    }

    private static String number(int value) {
        return value < 10 ? Integer.toString(value) : "0x" + Integer.toHexString(value);
    }

    /**
     * True if re-assembling {@code in} gives back exactly {@code word}: every bit outside the
     * fields its format uses is zero, and every field holds a value the assembler accepts.
     */
    private static boolean isCanonical(Instruction in, int word) {
        int ra = 0;
        int rb = 0;
        int rc = 0;
        int imm = 0;
        for (Format.Operand kind : in.opcode().format().operands()) {
            switch (kind) {
                case RA -> ra = in.ra();
                case RB -> rb = in.rb();
                case RC -> rc = in.rc();
                case MEM -> {
                    rb = in.rb();
                    imm = in.imm();
                }
                case CREG -> {
                    if (!Registers.isControlRegister(in.imm())) {
                        return false;
                    }
                    imm = in.imm();
                }
                case VEC -> {
                    if (in.imm() > 255) {
                        return false;
                    }
                    imm = in.imm();
                }
                default -> imm = in.imm();
            }
        }
        return new Instruction(in.opcode(), ra, rb, rc, imm).encode() == word;
    }
}
