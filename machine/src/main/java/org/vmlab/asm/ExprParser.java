package org.vmlab.asm;

import java.util.List;

/**
 * Parses an expression by precedence climbing, with C's precedence (lowest first):
 * {@code ||}, {@code &&}, {@code |}, {@code ^}, {@code &}, {@code == !=},
 * {@code < <= > >=}, {@code << >>}, {@code + -}, {@code * / %}, then unary {@code - ~ ! +}.
 * All binary operators associate to the left.
 *
 * <p>Parentheses and unary operators nest by recursion, so their depth is limited to
 * {@link #MAX_NESTING}: a line of a hundred thousand {@code (} is an error at the first one too
 * many, not a stack overflow. A long chain of binary operators is not nesting (it is parsed and
 * evaluated in a loop) and has no limit.
 */
final class ExprParser {
    /** The deepest that parentheses and unary operators may nest in one expression. */
    static final int MAX_NESTING = 100;

    private static final List<List<String>> LEVELS = List.of(
            List.of("||"), List.of("&&"), List.of("|"), List.of("^"), List.of("&"),
            List.of("==", "!="), List.of("<", "<=", ">", ">="), List.of("<<", ">>"),
            List.of("+", "-"), List.of("*", "/", "%"));

    private final List<Token> tokens;
    private final int end;
    private final int endColumn;
    private int pos;
    private int nesting;

    private ExprParser(List<Token> tokens, int from, int to, int endColumn) {
        this.tokens = tokens;
        this.pos = from;
        this.end = to;
        this.endColumn = endColumn;
    }

    /**
     * Parses {@code tokens[from, to)} as one expression.
     *
     * @param endColumn the column to blame if the expression is missing or cut short
     */
    static Expr parse(List<Token> tokens, int from, int to, int endColumn) {
        // a missing operand or ')' is blamed just past the last token of the expression
        int blame = to > from ? tokens.get(to - 1).end() + 1 : endColumn;
        ExprParser p = new ExprParser(tokens, from, to, blame);
        Expr e = p.binary(0);
        if (p.pos < to) {
            Token t = tokens.get(p.pos);
            throw new AsmFailure(t.column(), "unexpected '" + t.text() + "' in expression");
        }
        return e;
    }

    private Expr binary(int level) {
        if (level == LEVELS.size()) {
            return unary();
        }
        Expr left = binary(level + 1);
        while (pos < end && tokens.get(pos).kind() == Token.Kind.PUNCT
                && LEVELS.get(level).contains(tokens.get(pos).text())) {
            Token op = tokens.get(pos++);
            Expr right = binary(level + 1);
            left = new Expr.Binary(op.text(), left, right, op.column());
        }
        return left;
    }

    private Expr unary() {
        Token t = peek();
        if (t.is("-") || t.is("~") || t.is("!") || t.is("+")) {
            pos++;
            enter(t);
            Expr operand = unary();
            nesting--;
            return new Expr.Unary(t.text(), operand, t.column());
        }
        return primary();
    }

    private Expr primary() {
        Token t = peek();
        pos++;
        switch (t.kind()) {
            case NUMBER:
                return new Expr.Number(t.value(), t.column());
            case IDENT:
                if (t.text().equals(".")) {
                    return new Expr.Here(t.column());
                }
                if (Names.register(t.text()) >= 0 || Names.controlRegister(t.text()) >= 0) {
                    throw new AsmFailure(t.column(), "expected a value, found register " + t.text());
                }
                return new Expr.Symbol(t.text(), t.column());
            case STRING:
                throw new AsmFailure(t.column(), "expected a value, found a string");
            default:
                if (t.is("(")) {
                    enter(t);
                    Expr inner = binary(0);
                    nesting--;
                    if (pos >= end || !tokens.get(pos).is(")")) {
                        throw new AsmFailure(pos < end ? tokens.get(pos).column() : endColumn,
                                "missing ')'");
                    }
                    pos++;
                    return inner;
                }
                throw new AsmFailure(t.column(), "expected a value, found '" + t.text() + "'");
        }
    }

    /** One level deeper, at {@code t}: an opening parenthesis or a unary operator. */
    private void enter(Token t) {
        if (++nesting > MAX_NESTING) {
            throw new AsmFailure(t.column(), "expression nested more than " + MAX_NESTING
                    + " deep (parentheses and unary operators)");
        }
    }

    private Token peek() {
        if (pos >= end) {
            throw new AsmFailure(endColumn, "expected a value");
        }
        return tokens.get(pos);
    }
}
