package org.vmlab.cpu.bt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The translation cache: every live {@link TranslationUnit}, found by the guest address it starts
 * at, and indexed by the machine frame it came from so that a write to guest code finds the units
 * it may have made stale.
 */
public final class TranslationCache {
    private final Map<Integer, TranslationUnit> byGuestPc = new HashMap<>();
    private final Map<Integer, List<TranslationUnit>> byFrame = new HashMap<>();
    private long invalidated;

    /** The unit that starts at guest address {@code pc}, or null. */
    public TranslationUnit lookup(int pc) {
        return byGuestPc.get(pc);
    }

    public void insert(TranslationUnit unit) {
        TranslationUnit old = byGuestPc.put(unit.guestPc(), unit);
        if (old != null) {
            forget(old);
        }
        byFrame.computeIfAbsent(unit.frame(), f -> new ArrayList<>()).add(unit);
    }

    /** The live units translated from machine frame {@code frame}. */
    public List<TranslationUnit> unitsIn(int frame) {
        return List.copyOf(byFrame.getOrDefault(frame, List.of()));
    }

    /** True if some live unit was translated from machine frame {@code frame}. */
    public boolean hasUnitsIn(int frame) {
        return byFrame.containsKey(frame);
    }

    /** Drops {@code unit}: it is no longer found, and no unit stays chained to it. */
    public void invalidate(TranslationUnit unit) {
        if (byGuestPc.get(unit.guestPc()) == unit) {
            byGuestPc.remove(unit.guestPc());
        }
        forget(unit);
        invalidated++;
    }

    private void forget(TranslationUnit unit) {
        List<TranslationUnit> inFrame = byFrame.get(unit.frame());
        if (inFrame != null) {
            inFrame.remove(unit);
            if (inFrame.isEmpty()) {
                byFrame.remove(unit.frame());
            }
        }
        unit.invalidate();
    }

    /** Live units. */
    public int size() {
        return byGuestPc.size();
    }

    /** Units dropped by {@link #invalidate} so far. */
    public long invalidated() {
        return invalidated;
    }
}
