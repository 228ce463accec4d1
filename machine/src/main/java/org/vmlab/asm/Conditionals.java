package org.vmlab.asm;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The stack of open {@code .if} blocks of one file or macro expansion.
 *
 * <p>Each block remembers whether some branch has already been taken, so that after a true
 * {@code .if} every {@code .elif} and the {@code .else} are skipped; conditions of branches
 * that cannot be taken are not even evaluated (they may name symbols that only exist in the
 * other configuration).
 */
final class Conditionals {

    private static final class Block {
        final boolean parentActive;
        final SourceLine openedAt;
        final int column;
        boolean taken;
        boolean active;
        boolean seenElse;

        Block(boolean parentActive, SourceLine openedAt, int column) {
            this.parentActive = parentActive;
            this.openedAt = openedAt;
            this.column = column;
        }
    }

    /** Evaluates a condition only when asked to, i.e. when its branch could be taken. */
    interface Condition {
        boolean test();
    }

    private final Deque<Block> blocks = new ArrayDeque<>();

    /** True if statements at this point are assembled, false inside a skipped branch. */
    boolean active() {
        return blocks.isEmpty() || blocks.peek().active;
    }

    void openIf(Condition condition, SourceLine line, int column) {
        Block b = new Block(active(), line, column);
        blocks.push(b);
        b.active = b.parentActive && condition.test();
        b.taken = b.active;
    }

    void elseIf(Condition condition, int column) {
        Block b = current(".elif", column);
        if (b.seenElse) {
            throw new AsmFailure(column, ".elif after .else");
        }
        b.active = b.parentActive && !b.taken && condition.test();
        b.taken |= b.active;
    }

    void otherwise(int column) {
        Block b = current(".else", column);
        if (b.seenElse) {
            throw new AsmFailure(column, "second .else for the same .if");
        }
        b.seenElse = true;
        b.active = b.parentActive && !b.taken;
        b.taken = true;
    }

    void close(int column) {
        current(".endif", column);
        blocks.pop();
    }

    private Block current(String directive, int column) {
        if (blocks.isEmpty()) {
            throw new AsmFailure(column, directive + " without .if");
        }
        return blocks.peek();
    }

    /** The line and column of the innermost unclosed {@code .if}, or null if all are closed. */
    SourceLine unclosed() {
        return blocks.isEmpty() ? null : blocks.peekLast().openedAt;
    }

    int unclosedColumn() {
        return blocks.isEmpty() ? 0 : blocks.peekLast().column;
    }
}
