package org.vmlab.asm;

/**
 * An expression tree. Values are 32-bit integers with wrap-around arithmetic, as the machine
 * computes them; comparisons and logical operators yield 1 or 0 as in C.
 */
sealed interface Expr {

    /** What an expression needs from its surroundings. */
    interface Scope {
        /** The value of a symbol; throws {@link AsmFailure} at {@code column} if it has none. */
        int symbol(String name, int column);

        /** The value of {@code .}: the address of the statement holding the expression. */
        int here();
    }

    int evaluate(Scope scope);

    /** Column of the expression's first token, for error messages. */
    int column();

    record Number(int value, int column) implements Expr {
        public int evaluate(Scope scope) {
            return value;
        }
    }

    record Symbol(String name, int column) implements Expr {
        public int evaluate(Scope scope) {
            return scope.symbol(name, column);
        }
    }

    record Here(int column) implements Expr {
        public int evaluate(Scope scope) {
            return scope.here();
        }
    }

    record Unary(String op, Expr operand, int column) implements Expr {
        public int evaluate(Scope scope) {
            int v = operand.evaluate(scope);
            return switch (op) {
                case "-" -> -v;
                case "~" -> ~v;
                case "!" -> v == 0 ? 1 : 0;
                default -> v;        // unary +
            };
        }
    }

    record Binary(String op, Expr left, Expr right, int column) implements Expr {
        public int evaluate(Scope scope) {
            int a = left.evaluate(scope);
            // && and || do not evaluate their right side when the left decides, as in C
            if (op.equals("&&")) {
                return a != 0 && right.evaluate(scope) != 0 ? 1 : 0;
            }
            if (op.equals("||")) {
                return a != 0 || right.evaluate(scope) != 0 ? 1 : 0;
            }
            int b = right.evaluate(scope);
            return switch (op) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "/" -> b == 0 ? divideByZero() : a / b;
                case "%" -> b == 0 ? divideByZero() : a % b;
                case "<<" -> a << b;
                case ">>" -> a >> b;
                case "&" -> a & b;
                case "|" -> a | b;
                case "^" -> a ^ b;
                case "==" -> a == b ? 1 : 0;
                case "!=" -> a != b ? 1 : 0;
                case "<" -> a < b ? 1 : 0;
                case "<=" -> a <= b ? 1 : 0;
                case ">" -> a > b ? 1 : 0;
                case ">=" -> a >= b ? 1 : 0;
                default -> throw new IllegalStateException("operator " + op);
            };
        }

        private int divideByZero() {
            throw new AsmFailure(column, "division by zero");
        }
    }
}
