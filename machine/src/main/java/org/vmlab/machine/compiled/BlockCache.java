package org.vmlab.machine.compiled;

import java.util.function.IntPredicate;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * Compiled blocks by physical address, kept per frame, with the count of visits that makes a
 * block hot. A frame marked as code reports every write into it (CPU store or DMA alike): the
 * whole frame's blocks and counts are dropped, so self-modifying code and a loader writing new
 * code are seen before the next block starts, and a block is compiled again only once hot again.
 */
final class BlockCache implements PhysicalMemory.CodeWriteListener {
    private static final int SLOTS = PhysicalMemory.PAGE_SIZE / 4;

    /** What the cache knows of one block start. */
    static final class Entry {
        int visits;
        int span = -1;       // instructions the block would hold, -1 until scanned
        Block block;         // null until compiled
    }

    private final PhysicalMemory memory;
    private final BlockCompiler compiler;
    private final int threshold;
    private final Entry[][] frames;
    private long invalidations;

    /** Blocks from {@code memory}, compiled by {@code compiler} at the {@code threshold}th visit. */
    BlockCache(PhysicalMemory memory, BlockCompiler compiler, int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("the hot threshold must be at least 1, was " + threshold);
        }
        this.memory = memory;
        this.compiler = compiler;
        this.threshold = threshold;
        this.frames = new Entry[memory.frames()][];
        memory.addCodeWriteListener(this);
    }

    /**
     * One visit of the block at {@code pa}: its entry, with the block compiled if this visit made
     * it hot. {@code admitted} says which instructions a block may hold.
     */
    Entry visit(int pa, IntPredicate admitted) {
        int frame = pa >>> PhysicalMemory.PAGE_SHIFT;
        Entry[] slots = frames[frame];
        if (slots == null) {
            slots = new Entry[SLOTS];
            frames[frame] = slots;
            memory.markCode(frame);   // from now on, writes into the frame are reported
        }
        int slot = (pa & 0xFFF) >>> 2;
        Entry e = slots[slot];
        if (e == null) {
            e = new Entry();
            slots[slot] = e;
        }
        if (e.span < 0) {
            e.span = BlockCompiler.span(memory, pa);
        }
        if (e.block == null && e.span > 0 && ++e.visits >= threshold) {
            // null while its first instruction is not decoded yet: tried again at the next visit
            e.block = compiler.compile(memory, pa, admitted);
        }
        return e;
    }

    /** The compiled block at {@code pa}, or null: not a visit (nothing counted, nothing compiled). */
    Block compiled(int pa) {
        Entry[] slots = frames[pa >>> PhysicalMemory.PAGE_SHIFT];
        Entry e = slots == null ? null : slots[(pa & 0xFFF) >>> 2];
        return e == null ? null : e.block;
    }

    @Override
    public void codeWritten(int pa) {
        int frame = pa >>> PhysicalMemory.PAGE_SHIFT;
        if (frames[frame] != null) {
            frames[frame] = null;
            invalidations++;
        }
    }

    /** Frames whose blocks a write dropped, so far. */
    long invalidations() {
        return invalidations;
    }
}
