package org.vmlab.machine.compiled;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compiled code of every region, for the whole JVM, by the code it compiles
 * ({@link RegionShape.Key}): the one static table in the project that changes. It keeps no
 * machine's state: an entry is a pure function of its key (the generated class holds no field),
 * so which machine compiled a region first, or whether an entry was evicted and compiled again,
 * changes nothing a machine can observe, only the host time of compiling it. Least recently used
 * entries go first once it holds {@link #CAPACITY}. Safe for machines in parallel threads.
 */
final class CodeCache {
    /** Regions kept (an estimate: many times the hot regions of one kernel and its programs). */
    static final int CAPACITY = 4096;

    private static final Map<RegionShape.Key, CompiledRegion> REGIONS =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<RegionShape.Key, CompiledRegion> eldest) {
                    return size() > CAPACITY;
                }
            };

    private CodeCache() {
    }

    /** The code compiled for {@code key}, or null. */
    static CompiledRegion find(RegionShape.Key key) {
        synchronized (REGIONS) {
            return REGIONS.get(key);
        }
    }

    /** Keeps {@code code} for {@code key}, unless another thread kept one first: the code kept. */
    static CompiledRegion keep(RegionShape.Key key, CompiledRegion code) {
        synchronized (REGIONS) {
            CompiledRegion earlier = REGIONS.putIfAbsent(key, code);
            return earlier == null ? code : earlier;
        }
    }
}
