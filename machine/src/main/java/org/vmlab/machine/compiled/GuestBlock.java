package org.vmlab.machine.compiled;

import org.vmlab.machine.isa.Opcode;

/**
 * A guest basic block inside a {@link RegionShape}: the instruction words from byte
 * {@code start} of a page up to and including the first that decides the next pc, or up to the
 * first the compiler does not take, the page's end, or {@link RegionShape#MAX_BLOCK_LENGTH}.
 */
record GuestBlock(int start, int[] words) {
    GuestBlock {
        if (words.length == 0) {
            throw new IllegalArgumentException("a block holds at least one instruction");
        }
    }

    int length() {
        return words.length;
    }

    /** The byte offset in the page of instruction {@code i}. */
    int offsetOf(int i) {
        return start + 4 * i;
    }

    Opcode opcode(int i) {
        return Opcode.fromCode(words[i] >>> 24);
    }

    Opcode last() {
        return opcode(words.length - 1);
    }

    /** True if its last instruction decides the next pc (a branch, jump, call or return). */
    boolean endsInBranch() {
        return RegionShape.endsBlock(last());
    }

    /** The offset where control falls through to after the block (the next word). */
    int fallThrough() {
        return start + 4 * words.length;
    }

    /** The cycles the first {@code count} instructions cost beyond one each (docs/isa.md). */
    int extraCycles(int count) {
        int extra = 0;
        for (int i = 0; i < count; i++) {
            extra += opcode(i).cycles() - 1;
        }
        return extra;
    }
}
