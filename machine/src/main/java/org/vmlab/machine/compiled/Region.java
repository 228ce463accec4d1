package org.vmlab.machine.compiled;

/**
 * A compiled region at a physical address: how many instructions its entry block holds (the
 * least budget worth entering it with) and its code.
 */
record Region(int address, int entryLength, int instructions, CompiledRegion code) {
    Region {
        if (entryLength <= 0 || instructions < entryLength) {
            throw new IllegalArgumentException("a region holds its entry block, of at least one instruction");
        }
    }
}
