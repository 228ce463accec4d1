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
        /**
         * Evaluates a chain of left-associative operators ({@code a + b + c + ...}, whose tree
         * leans left as deep as the chain is long) in a loop, so that only real nesting
         * (parentheses, unary operators, a change of precedence) costs stack: a long flat
         * expression cannot overflow it.
         */
        public int evaluate(Scope scope) {
            if (!(left instanceof Binary)) {
                return apply(left.evaluate(scope), scope);
            }
            java.util.ArrayList<Binary> chain = new java.util.ArrayList<>();
            Expr e = this;
            while (e instanceof Binary b) {
                chain.add(b);
                e = b.left;
            }
            int value = e.evaluate(scope);
            for (int i = chain.size() - 1; i >= 0; i--) {
                value = chain.get(i).apply(value, scope);
            }
            return value;
        }

        /** This operator applied to {@code a} (the left side's value) and the right side. */
        private int apply(int a, Scope scope) {
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

        // A record's generated toString, equals and hashCode recurse down the tree, which for a
        // long chain is deeper than the stack: identity and a shallow text are enough here.
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        @Override
        public String toString() {
            return "Binary[" + op + " at column " + column + "]";
        }
    }

    /**
     * The names of the symbols {@code e} uses, in order of appearance (with repeats), found
     * without recursion so that any expression the parser accepted can be walked.
     */
    static java.util.List<String> symbols(Expr e) {
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.ArrayDeque<Expr> todo = new java.util.ArrayDeque<>();
        todo.push(e);
        while (!todo.isEmpty()) {
            Expr x = todo.pop();
            if (x instanceof Symbol s) {
                names.add(s.name());
            } else if (x instanceof Unary u) {
                todo.push(u.operand());
            } else if (x instanceof Binary b) {
                todo.push(b.right());
                todo.push(b.left());
            }
        }
        return names;
    }
}
