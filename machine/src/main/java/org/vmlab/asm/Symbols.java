package org.vmlab.asm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The symbols of one assembly: labels (addresses fixed when pass 1 reaches them) and constants
 * from {@code .equ} or {@code NAME = expr}.
 *
 * <p>A constant keeps its expression and is evaluated when first used, so that it may refer to
 * labels further down; a constant that depends on itself is an error that names the cycle, not an
 * endless loop.
 *
 * <p>Constants defined in terms of constants are followed without recursion: before a constant's
 * expression is evaluated, the constants it names are, depth first with an explicit stack, so that
 * a chain of a hundred thousand definitions costs no more stack than one. The result is the same as
 * evaluating each symbol where the expression meets it (a dependency whose value is not needed,
 * behind {@code &&} or {@code ||}, may fail without harm: its failure only counts where it is
 * used).
 */
final class Symbols {
    /** How many names of a cycle its error message lists at most (the first and last ones). */
    static final int CYCLE_NAMES = 8;

    private static final String CANNOT = " cannot be computed here: ";

    /** Where a symbol was defined, to name it in "duplicate" errors. */
    private sealed interface Definition permits Label, Constant {
        SourceLine where();
    }

    private record Label(int address, SourceLine where) implements Definition {
    }

    private static final class Constant implements Definition {
        final String name;
        final Expr expr;
        final List<String> uses;   // the symbols its expression names
        final int here;
        final SourceLine where;
        Integer value;             // cached once it could be computed
        AsmFailure failure;        // why it could not
        boolean finalFailure;      // failed in pass 2, when every symbol is defined: for good
        long visit;                // the evaluation that last finished this constant
        int nextUse;               // while on the stack: the next of its uses to look at
        boolean onStack;           // true while it or a constant it uses is being evaluated

        Constant(String name, Expr expr, int here, SourceLine where) {
            this.name = name;
            this.expr = expr;
            this.uses = Expr.symbols(expr);
            this.here = here;
            this.where = where;
        }

        public SourceLine where() {
            return where;
        }
    }

    private final Map<String, Definition> definitions = new LinkedHashMap<>();
    private final ArrayList<Constant> stack = new ArrayList<>();
    private long visits;

    boolean isDefined(String name) {
        return definitions.containsKey(name);
    }

    void defineLabel(String name, int address, SourceLine line, int column) {
        checkNew(name, "label", column);
        definitions.put(name, new Label(address, line));
    }

    void defineConstant(String name, Expr expr, int here, SourceLine line, int column) {
        checkNew(name, "symbol", column);
        definitions.put(name, new Constant(name, expr, here, line));
    }

    private void checkNew(String name, String what, int column) {
        if (Names.isReserved(name)) {
            throw new AsmFailure(column, "'" + name + "' is a register name and cannot be a " + what);
        }
        Definition old = definitions.get(name);
        if (old != null) {
            throw new AsmFailure(column, "duplicate " + what + " '" + Names.shorten(name)
                    + "' (first defined at " + old.where().location() + ")");
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
            throw undefined(name, column, earlyUse);
        }
        if (d instanceof Label l) {
            return l.address();
        }
        Constant c = (Constant) d;
        if (c.value == null && failed(c) == null) {
            evaluate(c, earlyUse);
        }
        if (c.value != null) {
            return c.value;
        }
        throw seenFrom(c, c.failure, column, earlyUse);
    }

    private static AsmFailure undefined(String name, int column, String earlyUse) {
        return new AsmFailure(column, earlyUse == null
                ? "undefined symbol '" + Names.shorten(name) + "'"
                : "undefined symbol '" + Names.shorten(name) + "' (" + earlyUse
                        + " needs symbols defined above it)");
    }

    /**
     * Why {@code c} has no value, if that is known: in pass 2 a failure is final (every symbol is
     * defined); in pass 1 it holds only for the evaluation that found it, as later lines may yet
     * define what was missing.
     */
    private AsmFailure failed(Constant c) {
        return c.failure != null && (c.finalFailure || c.visit == visits) ? c.failure : null;
    }

    /**
     * Evaluates {@code root}, and first, depth first, every constant it uses that has no value
     * yet. Each constant is evaluated once, after those it uses, so its expression finds their
     * values (or their failures) ready; one still on the stack when its user is evaluated is
     * part of a cycle.
     */
    private void evaluate(Constant root, String earlyUse) {
        long visit = ++visits;
        push(root);
        try {
            while (!stack.isEmpty()) {
                Constant top = stack.get(stack.size() - 1);
                if (top.nextUse < top.uses.size()) {
                    Definition d = definitions.get(top.uses.get(top.nextUse++));
                    if (d instanceof Constant used && used.value == null && !used.onStack
                            && used.visit != visit && failed(used) == null) {
                        push(used);
                    }
                    continue;
                }
                try {
                    top.value = top.expr.evaluate(evaluationScope(top, earlyUse));
                    top.failure = null;
                } catch (AsmFailure e) {
                    top.failure = e;
                    top.finalFailure = earlyUse == null;
                }
                top.visit = visit;
                top.onStack = false;
                stack.remove(stack.size() - 1);
            }
        } finally {
            for (Constant c : stack) {
                c.onStack = false;
            }
            stack.clear();
            visits++;   // a pass-1 failure found in this evaluation holds for it alone
        }
    }

    private void push(Constant c) {
        c.onStack = true;
        c.nextUse = 0;
        stack.add(c);
    }

    /** The scope of {@code c}'s own expression: every constant it uses is already decided. */
    private Expr.Scope evaluationScope(Constant c, String earlyUse) {
        return new Expr.Scope() {
            @Override
            public int symbol(String name, int column) {
                Definition d = definitions.get(name);
                if (d == null) {
                    throw undefined(name, column, earlyUse);
                }
                if (d instanceof Label l) {
                    return l.address();
                }
                Constant used = (Constant) d;
                if (used.value != null) {
                    return used.value;
                }
                if (used.onStack) {
                    throw new AsmFailure(column, "symbol '" + Names.shorten(name)
                            + "' is defined in terms of itself (" + cycle(used) + ")");
                }
                AsmFailure f = failed(used);
                if (f == null) {
                    throw new IllegalStateException("symbol " + name + " was not evaluated before "
                            + c.name);
                }
                throw seenFrom(used, f, column, earlyUse);
            }

            @Override
            public int here() {
                return c.here;
            }
        };
    }

    /** The cycle through {@code start}, which is on the stack: "a -> b -> c -> a", shortened. */
    private String cycle(Constant start) {
        int from = stack.lastIndexOf(start);
        List<String> names = new ArrayList<>();
        for (int i = from; i < stack.size(); i++) {
            names.add(Names.shorten(stack.get(i).name));
        }
        names.add(Names.shorten(start.name));
        if (names.size() > CYCLE_NAMES) {
            List<String> shortened = new ArrayList<>(names.subList(0, CYCLE_NAMES / 2));
            shortened.add("...");
            shortened.addAll(names.subList(names.size() - CYCLE_NAMES / 2, names.size()));
            names = shortened;
        }
        return String.join(" -> ", names);
    }

    /**
     * The failure of constant {@code c}'s expression as the expression that uses {@code c} at
     * {@code column} sees it. During pass 1 the using statement is at fault (it needs the value
     * too early), so the error is its own; in pass 2 the error belongs to the line that defines
     * {@code c}, unless it already belongs to another.
     */
    private static AsmFailure seenFrom(Constant c, AsmFailure e, int column, String earlyUse) {
        if (e.where() != null) {
            return e;
        }
        if (earlyUse != null) {
            return new AsmFailure(column, cannotBeComputed(c.name, e.getMessage()));
        }
        return new AsmFailure(e.column(), e.getMessage(), c.where);
    }

    /**
     * "symbol 'a' cannot be computed here: " before {@code why}; along a long chain of symbols
     * only the first two and the last of them are named, so the message stays short.
     */
    static String cannotBeComputed(String name, String why) {
        String message = "symbol '" + Names.shorten(name) + "'" + CANNOT + why;
        List<Integer> links = new ArrayList<>();
        for (int at = message.indexOf(CANNOT); at >= 0; at = message.indexOf(CANNOT, at + 1)) {
            links.add(at);
        }
        if (links.size() <= 3) {
            return message;
        }
        // keep "symbol 'a' ...: symbol 'b' ...: " and the last link; between them, "... "
        int keepTo = links.get(1) + CANNOT.length();
        int lastStart = message.lastIndexOf("symbol '", links.get(links.size() - 1));
        return message.substring(0, keepTo) + "... " + message.substring(lastStart);
    }
}
