package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.Format;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;

/**
 * Disassembling any valid instruction and assembling the text again gives back the same word:
 * the assembler and the disassembler agree with each other and with the instruction table.
 */
class RoundTripProperties {

    @Property(tries = 300)
    void disassembleThenAssembleIsTheIdentity(@ForAll("programs") List<Instruction> program,
                                              @ForAll("starts") int start) throws AssemblyException {
        int[] words = program.stream().mapToInt(Instruction::encode).toArray();
        Disassembler disassembler = new Disassembler();
        StringBuilder source = new StringBuilder(String.format(".org 0x%x%n", start));
        for (int i = 0; i < words.length; i++) {
            source.append(disassembler.disassemble(words[i], start + 4 * i)).append('\n');
        }
        Image image = Assembler.assembleSource("listing.s", source.toString(), Map.of());
        byte[] expected = new byte[4 * words.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (words[i / 4] >>> (8 * (i % 4)));
        }
        assertThat(image.segments().get(0).address()).isEqualTo(start);
        assertThat(image.segments().get(0).bytes()).as(source.toString()).isEqualTo(expected);
    }

    @Provide
    Arbitrary<Integer> starts() {
        return Arbitraries.integers().between(0, 0x00FF_FFFF).map(a -> a & ~3);
    }

    @Provide
    Arbitrary<List<Instruction>> programs() {
        return instructions().list().ofMinSize(1).ofMaxSize(20);
    }

    /** Any instruction of the table with every field in its valid range. */
    static Arbitrary<Instruction> instructions() {
        return Arbitraries.of(Opcode.values()).flatMap(RoundTripProperties::instruction);
    }

    private static Arbitrary<Instruction> instruction(Opcode op) {
        Arbitrary<Integer> reg = Arbitraries.integers().between(0, Registers.COUNT - 1);
        List<Format.Operand> kinds = op.format().operands();
        Arbitrary<Integer> imm = immediate(kinds);
        // only the register fields the format uses are random; the others stay zero
        Arbitrary<Integer> ra = kinds.contains(Format.Operand.RA) ? reg : Arbitraries.just(0);
        Arbitrary<Integer> rb = kinds.contains(Format.Operand.RB) || kinds.contains(Format.Operand.MEM)
                ? reg : Arbitraries.just(0);
        Arbitrary<Integer> rc = kinds.contains(Format.Operand.RC) ? reg : Arbitraries.just(0);
        return Combinators.combine(ra, rb, rc, imm).as((a, b, c, i) -> new Instruction(op, a, b, c, i));
    }

    private static Arbitrary<Integer> immediate(List<Format.Operand> kinds) {
        for (Format.Operand kind : kinds) {
            switch (kind) {
                case SIMM, MEM:
                    return Arbitraries.integers().between(Short.MIN_VALUE, Short.MAX_VALUE);
                case UIMM, PORT:
                    return Arbitraries.integers().between(0, 0xFFFF);
                case VEC:
                    return Arbitraries.integers().between(0, 255);
                case CREG:
                    return Arbitraries.of(Arrays.stream(new int[] {0, 1, 2, 3, 4, 5, 6, 7})
                            .filter(Registers::isControlRegister).boxed().toList());
                case TARGET:
                    // keep targets inside the 32-bit space for every start address
                    return Arbitraries.integers().between(-(1 << 20), (1 << 20) - 1);
                default:
                    break;
            }
        }
        return Arbitraries.just(0);
    }
}
