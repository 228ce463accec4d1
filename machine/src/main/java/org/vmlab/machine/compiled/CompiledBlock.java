package org.vmlab.machine.compiled;

/**
 * The JVM code of one guest basic block, as {@link BlockCompiler} writes it: every instruction of
 * the block, run in order on the registers, with nothing looked at between them.
 */
public interface CompiledBlock {

    /**
     * Runs the block on the general registers {@code r} (r0 zero, and kept zero) with FLAGS
     * {@code flags}, from the virtual address {@code pc} (where the guest fetches the block's
     * frame from now: branch targets are relative to it); none of its instructions can trap.
     *
     * @return the next pc in the low 32 bits, FLAGS after the block in the high 32 bits
     *     ({@link #nextPc}, {@link #flags})
     */
    long execute(int[] r, int flags, int pc);

    /** The next pc of an {@link #execute} result. */
    static int nextPc(long result) {
        return (int) result;
    }

    /** The FLAGS of an {@link #execute} result. */
    static int flags(long result) {
        return (int) (result >>> 32);
    }
}
