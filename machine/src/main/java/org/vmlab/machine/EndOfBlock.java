package org.vmlab.machine;

/**
 * Ends the interpreter's inner loop between two instructions, with the state complete: not a
 * fault, nothing is delivered. Thrown without a stack trace, like {@link Fault}.
 */
final class EndOfBlock extends RuntimeException {
    static final EndOfBlock INSTANCE = new EndOfBlock();

    private EndOfBlock() {
        super("end of block", null, false, false);
    }
}
