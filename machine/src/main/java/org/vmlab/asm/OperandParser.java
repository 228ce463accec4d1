package org.vmlab.asm;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.vmlab.machine.isa.Format;
import org.vmlab.machine.isa.Registers;

/**
 * Reads an instruction's operands as its {@link Format} says: the instruction table, not this
 * class, decides how many operands an instruction takes and of which kind.
 */
final class OperandParser {
    private OperandParser() {
    }

    /** A slice {@code [from, to)} of a line's tokens: one comma-separated operand. */
    record Slice(int from, int to) {
    }

    /** Splits {@code tokens[from..]} at the commas outside parentheses. */
    static List<Slice> split(List<Token> tokens, int from) {
        List<Slice> slices = new ArrayList<>();
        if (from >= tokens.size()) {
            return slices;
        }
        int depth = 0;
        int start = from;
        for (int i = from; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.is("(")) {
                depth++;
            } else if (t.is(")")) {
                depth--;
            } else if (t.is(",") && depth == 0) {
                slices.add(new Slice(start, i));
                start = i + 1;
            }
        }
        slices.add(new Slice(start, tokens.size()));
        return slices;
    }

    /**
     * The column of operand {@code s}: its first token, or for an empty operand (as after a
     * trailing comma, at the end of the line) the comma before it.
     */
    static int column(List<Token> tokens, Slice s) {
        if (s.from() < tokens.size()) {
            return tokens.get(s.from()).column();
        }
        return s.from() > 0 ? tokens.get(s.from() - 1).column() : 1;
    }

    /** How the syntax of an operand kind reads in error messages. */
    static String describe(Format.Operand kind) {
        return switch (kind) {
            case RA, RB, RC -> "register";
            case SIMM, UIMM -> "immediate";
            case MEM -> "off(register)";
            case TARGET -> "target";
            case CREG -> "crN";
            case PORT -> "port";
            case VEC -> "vector";
        };
    }

    /** "register, register, immediate" for a format, in its operand order. */
    static String describe(Format format) {
        return format.operands().stream().map(OperandParser::describe).collect(Collectors.joining(", "));
    }

    /**
     * Parses the operands of an instruction of {@code format} from {@code tokens[from..]}.
     *
     * @param mnemonic the mnemonic token, blamed when operands are missing
     */
    static List<Operand> parse(Format format, List<Token> tokens, int from, Token mnemonic,
                               int lineEnd) {
        List<Slice> slices = split(tokens, from);
        List<Format.Operand> kinds = format.operands();
        if (slices.size() != kinds.size()) {
            String expected = kinds.isEmpty() ? "no operands"
                    : kinds.size() + " operand" + (kinds.size() == 1 ? "" : "s") + " ("
                    + describe(format) + ")";
            int column = slices.size() > kinds.size()
                    ? column(tokens, slices.get(kinds.size()))
                    : mnemonic.column();
            throw new AsmFailure(column, mnemonic.text() + " takes " + expected + ", found "
                    + slices.size());
        }
        List<Operand> operands = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            operands.add(parseOne(kinds.get(i), tokens, slices.get(i), lineEnd));
        }
        return operands;
    }

    private static Operand parseOne(Format.Operand kind, List<Token> tokens, Slice s, int lineEnd) {
        if (s.from() == s.to()) {
            int column = s.from() < tokens.size() ? tokens.get(s.from()).column() : lineEnd;
            throw new AsmFailure(column, "missing operand");
        }
        Token first = tokens.get(s.from());
        return switch (kind) {
            case RA, RB, RC -> new Operand.Register(register(tokens, s));
            case CREG -> new Operand.ControlRegister(controlRegister(tokens, s));
            case MEM -> memory(tokens, s);
            default -> {
                if (first.isIdent() && s.to() - s.from() == 1 && Names.register(first.text()) >= 0) {
                    throw new AsmFailure(first.column(), "expected " + describe(kind)
                            + ", found register " + first.text());
                }
                yield new Operand.Value(ExprParser.parse(tokens, s.from(), s.to(), lineEnd));
            }
        };
    }

    private static int register(List<Token> tokens, Slice s) {
        Token t = tokens.get(s.from());
        int n = t.isIdent() ? Names.register(t.text()) : -1;
        if (n < 0 || s.to() - s.from() != 1) {
            throw new AsmFailure(t.column(), "expected a register (r0..r15 or sp), found '"
                    + text(tokens, s) + "'");
        }
        return n;
    }

    private static int controlRegister(List<Token> tokens, Slice s) {
        Token t = tokens.get(s.from());
        int n = t.isIdent() ? Names.controlRegister(t.text()) : -1;
        if (n < 0 || s.to() - s.from() != 1) {
            throw new AsmFailure(t.column(), "expected a control register (crN), found '"
                    + text(tokens, s) + "'");
        }
        if (!Registers.isControlRegister(n)) {
            throw new AsmFailure(t.column(), t.text() + " is not a control register ("
                    + validControlRegisters() + ")");
        }
        return n;
    }

    static String validControlRegisters() {
        List<String> names = new ArrayList<>();
        for (int n = 0; n < 32; n++) {
            if (Registers.isControlRegister(n)) {
                names.add("cr" + n);
            }
        }
        return String.join(", ", names);
    }

    /** {@code off(reg)} or {@code (reg)}: the last three tokens are {@code ( reg )}. */
    private static Operand memory(List<Token> tokens, Slice s) {
        int n = s.to() - s.from();
        Token first = tokens.get(s.from());
        if (n < 3 || !tokens.get(s.to() - 1).is(")") || !tokens.get(s.to() - 3).is("(")
                || !tokens.get(s.to() - 2).isIdent() || Names.register(tokens.get(s.to() - 2).text()) < 0) {
            throw new AsmFailure(first.column(), "expected a memory operand off(register), found '"
                    + text(tokens, s) + "'");
        }
        int base = Names.register(tokens.get(s.to() - 2).text());
        Expr offset = s.to() - 3 == s.from()
                ? new Expr.Number(0, first.column())
                : ExprParser.parse(tokens, s.from(), s.to() - 3, tokens.get(s.to() - 3).column());
        return new Operand.Memory(offset, base);
    }

    private static String text(List<Token> tokens, Slice s) {
        StringBuilder b = new StringBuilder();
        for (int i = s.from(); i < s.to() && b.length() <= Names.MAX_QUOTE; i++) {
            Token t = tokens.get(i);
            b.append(t.kind() == Token.Kind.STRING ? "\"" + t.text() + "\"" : t.text());
        }
        return Names.shorten(b.toString());
    }
}
