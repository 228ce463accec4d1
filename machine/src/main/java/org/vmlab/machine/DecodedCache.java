package org.vmlab.machine;

import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * Decoded instructions, kept per physical frame so that each instruction word is decoded once.
 *
 * <p>A frame's {@link Page} holds, per word slot, the {@link Opcode} (null until first executed)
 * and the instruction word its fields are cut from, 0 while the opcode is null: opcode byte 0 is
 * no instruction, so a loop that dispatches on the word's byte alone finds an undecoded slot on
 * the same path as an invalid instruction, and decodes it there. The frame is marked as code in {@link PhysicalMemory}, which
 * reports every later write into it; the written slot is forgotten, so self-modifying code and
 * a loader writing new code are seen at once, and data that shares a page with code costs only
 * its own slots.
 */
final class DecodedCache implements PhysicalMemory.CodeWriteListener {
    private static final int SLOTS = PhysicalMemory.PAGE_SIZE / 4;

    /** The decoded slots of one frame. */
    static final class Page {
        final Opcode[] ops = new Opcode[SLOTS];
        final int[] words = new int[SLOTS];
        final int base;

        Page(int base) {
            this.base = base;
        }
    }

    private final PhysicalMemory memory;
    private final Page[] pages;
    private long decodes;

    DecodedCache(PhysicalMemory memory) {
        this.memory = memory;
        this.pages = new Page[memory.frames()];
        memory.addCodeWriteListener(this);
    }

    /** The decoded page of the frame holding physical address {@code pa}. */
    Page page(int pa) {
        int frame = pa >>> PhysicalMemory.PAGE_SHIFT;
        Page p = pages[frame];
        if (p == null) {
            p = new Page(frame << PhysicalMemory.PAGE_SHIFT);
            pages[frame] = p;
            memory.markCode(frame);
        }
        return p;
    }

    /**
     * Decodes slot {@code slot} of {@code page}: its opcode, or null if the word is not an
     * instruction (the caller raises #UD).
     */
    Opcode decode(Page page, int slot) {
        int word = memory.readWord(page.base + (slot << 2));
        Opcode op = Opcode.fromCode(word >>> 24);
        if (op == null) {
            return null;
        }
        decodes++;
        page.words[slot] = word;
        page.ops[slot] = op;
        return op;
    }

    /** True if the instruction at physical address {@code pa} is decoded now (nothing is decoded by asking). */
    boolean holds(int pa) {
        Page p = pages[pa >>> PhysicalMemory.PAGE_SHIFT];
        return p != null && p.ops[(pa & 0xFFF) >>> 2] != null;
    }

    @Override
    public void codeWritten(int pa) {
        Page p = pages[pa >>> PhysicalMemory.PAGE_SHIFT];
        if (p != null) {
            int slot = (pa & 0xFFF) >>> 2;
            p.ops[slot] = null;
            p.words[slot] = 0;   // the word's byte must not dispatch to the old instruction
        }
    }

    /** Forgets everything (after memory is reloaded wholesale). */
    void clear() {
        java.util.Arrays.fill(pages, null);
        memory.clearCodeMarks();
    }

    /** Instruction words decoded so far (a first execution or one after a write). */
    long decodes() {
        return decodes;
    }
}
