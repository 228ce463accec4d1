package org.vmlab.machine.compiled;

/**
 * A compiled region at a physical address: how many instructions its entry block holds (the
 * least budget worth entering it with), the words of its page it holds (their indexes in the
 * page: a write to one of them makes it stale), and its code.
 */
record Region(int address, int entryLength, int[] words, CompiledRegion code) {
    Region {
        if (entryLength <= 0 || words.length < entryLength) {
            throw new IllegalArgumentException("a region holds its entry block, of at least one instruction");
        }
    }

    /** Instructions in all its blocks (an instruction two blocks hold counts twice). */
    int instructions() {
        return words.length;
    }
}
