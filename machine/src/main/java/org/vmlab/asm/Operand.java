package org.vmlab.asm;

/** An instruction operand as written, before its expressions are evaluated in pass 2. */
sealed interface Operand {
    /** A general register {@code r0}..{@code r15} or {@code sp}. */
    record Register(int number) implements Operand {
    }

    /** A control register {@code crN} that {@code Registers.isControlRegister} accepts. */
    record ControlRegister(int number) implements Operand {
    }

    /** An expression: an immediate, a branch target, a port or a vector. */
    record Value(Expr expr) implements Operand {
    }

    /** {@code off(base)}; the offset is 0 when omitted. */
    record Memory(Expr offset, int base) implements Operand {
    }
}
