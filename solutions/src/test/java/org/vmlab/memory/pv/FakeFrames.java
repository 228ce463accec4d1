package org.vmlab.memory.pv;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The validator's view of frames, as a test sets it up. */
final class FakeFrames implements PageTableValidator.Frames {
    final Set<Integer> owned = new HashSet<>();
    final Set<Integer> devicePages = new HashSet<>();
    final Map<Integer, PageType> types = new HashMap<>();
    final Map<Integer, Integer> writable = new HashMap<>();

    FakeFrames own(int... mfns) {
        for (int mfn : mfns) {
            owned.add(mfn);
        }
        return this;
    }

    FakeFrames pinned(int mfn, PageType type) {
        owned.add(mfn);
        types.put(mfn, type);
        return this;
    }

    @Override
    public boolean owns(int mfn) {
        return owned.contains(mfn);
    }

    @Override
    public boolean isDevicePage(int mfn) {
        return devicePages.contains(mfn);
    }

    @Override
    public PageType type(int mfn) {
        return types.getOrDefault(mfn, PageType.NONE);
    }

    @Override
    public int writableMappings(int mfn) {
        return writable.getOrDefault(mfn, 0);
    }
}
