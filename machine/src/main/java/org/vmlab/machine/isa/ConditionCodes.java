package org.vmlab.machine.isa;

import static org.vmlab.machine.isa.Registers.CONDITION_BITS;
import static org.vmlab.machine.isa.Registers.FLAG_C;
import static org.vmlab.machine.isa.Registers.FLAG_N;
import static org.vmlab.machine.isa.Registers.FLAG_V;
import static org.vmlab.machine.isa.Registers.FLAG_Z;

/**
 * The condition bits as docs/isa.md defines them: what {@code cmp} and {@code tst} set, and when
 * each conditional branch is taken. One definition for every execution engine: the interpreter
 * calls these, and so does the bytecode of compiled blocks (the JIT inlines them).
 */
public final class ConditionCodes {
    private ConditionCodes() {
    }

    /** FLAGS after {@code cmp x, y}: Z, N, C (unsigned borrow) and V of {@code x - y}; the other bits kept. */
    public static int compare(int flags, int x, int y) {
        int result = x - y;
        int f = flags & ~CONDITION_BITS;
        if (result == 0) {
            f |= FLAG_Z;
        }
        if (result < 0) {
            f |= FLAG_N;
        }
        if (Integer.compareUnsigned(x, y) < 0) {
            f |= FLAG_C;
        }
        if (((x ^ y) & (x ^ result)) < 0) {
            f |= FLAG_V;
        }
        return f;
    }

    /** FLAGS after {@code tst}: Z and N of {@code result}, C and V cleared, the other bits kept. */
    public static int test(int flags, int result) {
        int f = flags & ~CONDITION_BITS;
        if (result == 0) {
            f |= FLAG_Z;
        }
        if (result < 0) {
            f |= FLAG_N;
        }
        return f;
    }

    public static boolean equal(int flags) {
        return (flags & FLAG_Z) != 0;
    }

    public static boolean notEqual(int flags) {
        return (flags & FLAG_Z) == 0;
    }

    public static boolean less(int flags) {
        return ((flags & FLAG_N) != 0) != ((flags & FLAG_V) != 0);
    }

    public static boolean greaterOrEqual(int flags) {
        return !less(flags);
    }

    public static boolean lessOrEqual(int flags) {
        return equal(flags) || less(flags);
    }

    public static boolean greater(int flags) {
        return notEqual(flags) && !less(flags);
    }

    public static boolean below(int flags) {
        return (flags & FLAG_C) != 0;
    }

    public static boolean aboveOrEqual(int flags) {
        return (flags & FLAG_C) == 0;
    }
}
