package org.vmlab.asm;

import java.util.List;
import org.vmlab.machine.isa.Format;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;

/**
 * Pass 2 of an instruction: evaluates its operands, checks that each value fits its field, and
 * builds the {@link Instruction} whose {@link Instruction#encode() encoding} is the word.
 */
final class InstructionEncoder {
    private InstructionEncoder() {
    }

    /** The word for {@code op} with {@code operands} at address {@code pc}. */
    static int encode(Opcode op, List<Operand> operands, int pc, Expr.Scope scope) {
        int ra = 0;
        int rb = 0;
        int rc = 0;
        int imm = 0;
        List<Format.Operand> kinds = op.format().operands();
        for (int i = 0; i < kinds.size(); i++) {
            Operand operand = operands.get(i);
            switch (kinds.get(i)) {
                case RA -> ra = ((Operand.Register) operand).number();
                case RB -> rb = ((Operand.Register) operand).number();
                case RC -> rc = ((Operand.Register) operand).number();
                case CREG -> imm = ((Operand.ControlRegister) operand).number();
                case SIMM -> imm = signed16("immediate", (Operand.Value) operand, scope);
                case UIMM -> imm = inRange("immediate", (Operand.Value) operand, scope, 0, 0xFFFF,
                        "does not fit in 16 bits");
                case PORT -> imm = inRange("port", (Operand.Value) operand, scope, 0, 0xFFFF,
                        "is out of range");
                case VEC -> imm = inRange("vector", (Operand.Value) operand, scope, 0, 255,
                        "is out of range");
                case MEM -> {
                    Operand.Memory m = (Operand.Memory) operand;
                    rb = m.base();
                    imm = signed16("offset", new Operand.Value(m.offset()), scope);
                }
                case TARGET -> imm = branchOffset((Operand.Value) operand, pc, scope);
            }
        }
        return new Instruction(op, ra, rb, rc, imm).encode();
    }

    private static int signed16(String what, Operand.Value v, Expr.Scope scope) {
        return inRange(what, v, scope, Short.MIN_VALUE, Short.MAX_VALUE, "does not fit in 16 bits");
    }

    private static int inRange(String what, Operand.Value v, Expr.Scope scope, int min, int max,
                               String complaint) {
        int value = v.expr().evaluate(scope);
        if (value < min || value > max) {
            throw new AsmFailure(v.expr().column(), what + " " + value + " " + complaint
                    + " (" + min + ".." + max + ")");
        }
        return value;
    }

    /** (target - (pc + 4)) / 4, which must be a whole number of words and fit in 24 bits. */
    private static int branchOffset(Operand.Value v, int pc, Expr.Scope scope) {
        int target = v.expr().evaluate(scope);
        int distance = target - (pc + 4);
        if ((distance & 3) != 0) {
            throw new AsmFailure(v.expr().column(), String.format(
                    "branch target 0x%08x is not word-aligned", target));
        }
        int words = distance >> 2;
        if (words < -(1 << 23) || words >= 1 << 23) {
            throw new AsmFailure(v.expr().column(), String.format(
                    "branch target 0x%08x is out of range (farther than 32 MiB from 0x%08x)",
                    target, pc));
        }
        return words;
    }
}
