package org.vmlab.memory.shadow;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The guest frames that hold page tables some shadow was built from, and which shadows use each:
 * as a page directory, or as the page table behind one directory entry. The VMM write-protects
 * every such frame, so that each guest write to it traps and can be traced: applied to the
 * guest's table, and the shadow entries built from the old contents dropped.
 */
public final class TracedPages {
    /**
     * One use of a traced frame.
     *
     * @param shadow         the shadow built from it
     * @param directoryIndex for a page table, the directory entry it sits behind; for a directory, -1
     */
    public record Use(ShadowPageTable shadow, int directoryIndex) {
        public static Use directory(ShadowPageTable shadow) {
            return new Use(shadow, -1);
        }

        public boolean isDirectory() {
            return directoryIndex < 0;
        }
    }

    private final Map<Integer, Set<Use>> usesByFrame = new HashMap<>();
    private final Map<Use, Integer> frameByUse = new HashMap<>();

    /** True if guest frame {@code gfn} is a traced page table. */
    public boolean isTraced(int gfn) {
        return usesByFrame.containsKey(gfn);
    }

    /** The uses of {@code gfn} (empty if it is not traced); a copy, safe to change while iterating. */
    public Set<Use> uses(int gfn) {
        return Set.copyOf(usesByFrame.getOrDefault(gfn, Set.of()));
    }

    /**
     * Records that {@code use} was built from guest frame {@code gfn}, replacing what that use was
     * built from before.
     *
     * @return true if {@code gfn} was not traced until now
     */
    public boolean add(int gfn, Use use) {
        Integer previous = frameByUse.get(use);
        if (previous != null && previous == gfn) {
            return false;
        }
        remove(use);
        boolean fresh = !isTraced(gfn);
        usesByFrame.computeIfAbsent(gfn, f -> new HashSet<>()).add(use);
        frameByUse.put(use, gfn);
        return fresh;
    }

    /** Forgets {@code use}; a frame left without uses is no longer traced. */
    public void remove(Use use) {
        Integer gfn = frameByUse.remove(use);
        if (gfn == null) {
            return;
        }
        Set<Use> uses = usesByFrame.get(gfn);
        uses.remove(use);
        if (uses.isEmpty()) {
            usesByFrame.remove(gfn);
        }
    }

    /** Forgets every use by {@code shadow} (it was dropped from the cache). */
    public void removeShadow(ShadowPageTable shadow) {
        frameByUse.keySet().stream().filter(u -> u.shadow() == shadow).toList().forEach(this::remove);
    }

    /** The number of traced frames. */
    public int size() {
        return usesByFrame.size();
    }
}
