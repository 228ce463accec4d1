package org.vmlab.asm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The symbols of one assembly: labels (addresses fixed when pass 1 reaches them) and constants
 * from {@code .equ} or {@code NAME = expr}.
 *
 * <p>A constant keeps its expression and is evaluated when first used, so that it may refer to
 * labels further down; a constant that depends on itself is an error, not an endless loop.
 */
final class Symbols {

    /** Where a symbol was defined, to name it in "duplicate" errors. */
    private sealed interface Definition permits Label, Constant {
        SourceLine where();
    }

    private record Label(int address, SourceLine where) implements Definition {
    }

    private static final class Constant implements Definition {
        final Expr expr;
        final int here;
        final SourceLine where;
        Integer value;          // cached once it could be computed
        boolean evaluating;     // true while its own expression is being evaluated

        Constant(Expr expr, int here, SourceLine where) {
            this.expr = expr;
            this.here = here;
            this.where = where;
        }

        public SourceLine where() {
            return where;
        }
    }

    private final Map<String, Definition> definitions = new LinkedHashMap<>();

    boolean isDefined(String name) {
        return definitions.containsKey(name);
    }

    void defineLabel(String name, int address, SourceLine line, int column) {
        checkNew(name, "label", column);
        definitions.put(name, new Label(address, line));
    }

    void defineConstant(String name, Expr expr, int here, SourceLine line, int column) {
        checkNew(name, "symbol", column);
        definitions.put(name, new Constant(expr, here, line));
    }

    private void checkNew(String name, String what, int column) {
        if (Names.isReserved(name)) {
            throw new AsmFailure(column, "'" + name + "' is a register name and cannot be a " + what);
        }
        Definition old = definitions.get(name);
        if (old != null) {
            throw new AsmFailure(column, "duplicate " + what + " '" + name + "' (first defined at "
                    + old.where().location() + ")");
        }
    }

    /** The labels and their addresses, in definition order. */
    Map<String, Integer> labels() {
        Map<String, Integer> labels = new LinkedHashMap<>();
        definitions.forEach((name, d) -> {
            if (d instanceof Label l) {
                labels.put(name, l.address());
            }
        });
        return labels;
    }

    /**
     * A scope for evaluating an expression at address {@code here}.
     *
     * @param earlyUse null once every symbol is defined (pass 2); otherwise the name of the
     *                 statement that needs its value during pass 1 (".if", ".org"), for the error
     *                 message when a symbol is not defined above it
     */
    Expr.Scope scope(int here, String earlyUse) {
        return new Expr.Scope() {
            @Override
            public int symbol(String name, int column) {
                return value(name, column, earlyUse);
            }

            @Override
            public int here() {
                return here;
            }
        };
    }

    private int value(String name, int column, String earlyUse) {
        Definition d = definitions.get(name);
        if (d == null) {
            throw new AsmFailure(column, earlyUse == null
                    ? "undefined symbol '" + name + "'"
                    : "undefined symbol '" + name + "' (" + earlyUse
                            + " needs symbols defined above it)");
        }
        if (d instanceof Label l) {
            return l.address();
        }
        Constant c = (Constant) d;
        if (c.value != null) {
            return c.value;
        }
        if (c.evaluating) {
            throw new AsmFailure(column, "symbol '" + name + "' is defined in terms of itself");
        }
        c.evaluating = true;
        try {
            c.value = c.expr.evaluate(scope(c.here, earlyUse));
            return c.value;
        } catch (AsmFailure e) {
            if (earlyUse != null || e.where() != null) {
                // during pass 1 the using statement is at fault: it needs the value too early
                throw e.where() != null ? e : new AsmFailure(column, "symbol '" + name
                        + "' cannot be computed here: " + e.getMessage());
            }
            throw new AsmFailure(e.column(), e.getMessage(), c.where);
        } finally {
            c.evaluating = false;
        }
    }
}
