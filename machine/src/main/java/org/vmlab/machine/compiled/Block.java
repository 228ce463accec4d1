package org.vmlab.machine.compiled;

/**
 * A compiled guest basic block: where it starts in physical memory, how many instructions it
 * retires (always all of them: none can trap), what they cost beyond one cycle each, and its code.
 */
public record Block(int address, int length, long extraCycles, CompiledBlock code) {
    public Block {
        if (length <= 0) {
            throw new IllegalArgumentException("a block holds at least one instruction, had " + length);
        }
    }
}
