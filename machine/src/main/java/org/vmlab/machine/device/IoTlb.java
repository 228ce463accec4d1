package org.vmlab.machine.device;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The IOMMU's translation cache (VT-d's IOTLB): recent translations of a device's I/O pages, tagged
 * with the device's source id, so that most DMA needs no walk of the I/O page tables. Like the
 * CPU's TLB it is not kept coherent with the tables: after changing a mapping the VMM invalidates
 * (globally or for one device), and until then the device may still use the old one.
 *
 * <p>It holds {@link #CAPACITY} entries and evicts the least recently used, so what it holds is a
 * function of the accesses alone: runs are deterministic.
 */
final class IoTlb {
    static final int CAPACITY = 64;

    /** A cached translation: the frame number and the effective read and write bits. */
    record Entry(int frame, int permissions) {
    }

    private final Map<Long, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Entry> eldest) {
            return size() > CAPACITY;
        }
    };
    private long hits;
    private long misses;

    /** The entry for {@code page} of device {@code sourceId} if it allows {@code needed}, else null. */
    Entry lookup(int sourceId, int page, int needed) {
        Entry e = entries.get(key(sourceId, page));
        if (e != null && (e.permissions() & needed) == needed) {
            hits++;
            return e;
        }
        misses++;
        return null;
    }

    void insert(int sourceId, int page, Entry entry) {
        entries.put(key(sourceId, page), entry);
    }

    /** Global invalidation: drops every entry. */
    void invalidateAll() {
        entries.clear();
    }

    /** Device-selective invalidation: drops the entries of {@code sourceId}. */
    void invalidate(int sourceId) {
        entries.keySet().removeIf(k -> (int) (k >>> 32) == sourceId);
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    int size() {
        return entries.size();
    }

    private static long key(int sourceId, int page) {
        return (long) sourceId << 32 | Integer.toUnsignedLong(page);
    }
}
