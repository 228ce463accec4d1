package org.vmlab.machine.compiled;

import java.util.function.IntPredicate;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * A machine's compiled regions by physical address, kept per frame, with the count of visits
 * that makes an address hot. A frame marked as code reports every write into it (CPU store or
 * DMA alike). A write into a word some compiled region of the frame holds drops the whole
 * frame's regions and counts, so self-modifying code and a loader writing new code are seen
 * before the next region starts, and a region is compiled again only once hot again; a write
 * into any other word of the frame (data beside code, as a kernel's variables often are)
 * changes nothing compiled and drops nothing. A drop also tells the compiled code running now
 * ({@link RegionRun#codeChanged}): a region ends after a store that changed compiled code, so
 * it never runs on past its own code's change.
 */
final class RegionCache implements PhysicalMemory.CodeWriteListener {
    private static final int SLOTS = PhysicalMemory.PAGE_SIZE / 4;

    /** What the cache knows of one address. */
    static final class Entry {
        int visits;
        int span = -1;       // instructions of the basic block there, -1 until scanned
        Region region;       // null until compiled
    }

    private final PhysicalMemory memory;
    private final RegionCompiler compiler;
    private final int threshold;
    private final RegionRun run;
    private final Entry[][] frames;
    private final long[][] compiledWords;   // per frame, a bit for each word a compiled region holds
    private long invalidations;

    /**
     * Regions from {@code memory}, compiled by {@code compiler} at the {@code threshold}th visit,
     * run on {@code run}.
     */
    RegionCache(PhysicalMemory memory, RegionCompiler compiler, int threshold, RegionRun run) {
        if (threshold < 1) {
            throw new IllegalArgumentException("the hot threshold must be at least 1, was " + threshold);
        }
        this.memory = memory;
        this.compiler = compiler;
        this.threshold = threshold;
        this.run = run;
        this.frames = new Entry[memory.frames()][];
        this.compiledWords = new long[memory.frames()][];
        memory.addCodeWriteListener(this);
    }

    /**
     * One visit of the address {@code pa}: its entry, with the region there compiled if this
     * visit made it hot. {@code admitted} says which instructions a region may hold.
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
            e.span = RegionShape.span(memory, pa);
        }
        if (e.region == null && e.span > 0 && ++e.visits >= threshold) {
            // null while its first instruction is not decoded yet: tried again at the next visit
            e.region = compiler.compile(memory, pa, admitted);
            if (e.region != null) {
                holds(frame, e.region);
            }
        }
        return e;
    }

    /** The compiled region at {@code pa}, or null: not a visit (nothing counted, nothing compiled). */
    Region compiled(int pa) {
        Entry[] slots = frames[pa >>> PhysicalMemory.PAGE_SHIFT];
        Entry e = slots == null ? null : slots[(pa & 0xFFF) >>> 2];
        return e == null ? null : e.region;
    }

    /** Marks the words of {@code region}'s blocks as held by compiled code. */
    private void holds(int frame, Region region) {
        long[] words = compiledWords[frame];
        if (words == null) {
            words = new long[SLOTS / 64];
            compiledWords[frame] = words;
        }
        for (int word : region.words()) {
            words[word >>> 6] |= 1L << word;
        }
    }

    @Override
    public void codeWritten(int pa) {
        int frame = pa >>> PhysicalMemory.PAGE_SHIFT;
        long[] words = compiledWords[frame];
        int word = (pa & 0xFFF) >>> 2;
        if (words != null && (words[word >>> 6] & 1L << word) != 0) {
            frames[frame] = null;
            compiledWords[frame] = null;
            invalidations++;
            run.codeChanged = true;
        }
    }

    /** Frames whose regions a write dropped, so far. */
    long invalidations() {
        return invalidations;
    }
}
