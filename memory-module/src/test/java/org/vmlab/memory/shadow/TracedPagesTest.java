package org.vmlab.memory.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.MachineFrames;

/**
 * The traced guest page tables: which guest frames some shadow was built from, and how each is
 * used (as a directory, or as the table behind one directory entry).
 */
class TracedPagesTest {
    private final MachineFrames frames = new MachineFrames(new PhysicalMemory(64 << 10), 0);
    private final ShadowPageTable one = new ShadowPageTable(0x1000, frames);
    private final ShadowPageTable two = new ShadowPageTable(0x2000, frames);
    private final TracedPages traced = new TracedPages();

    @Test
    void nothingIsTracedAtFirst() {
        assertThat(traced.isTraced(5)).isFalse();
        assertThat(traced.uses(5)).isEmpty();
        assertThat(traced.size()).isZero();
    }

    @Test
    void addingTheFirstUseOfAFrameStartsTracingIt() {
        assertThat(traced.add(5, TracedPages.Use.directory(one))).isTrue();

        assertThat(traced.isTraced(5)).isTrue();
        assertThat(traced.uses(5)).containsExactly(TracedPages.Use.directory(one));
        assertThat(traced.size()).isEqualTo(1);
    }

    @Test
    void aFurtherUseOfATracedFrameIsNotANewTrace() {
        traced.add(5, TracedPages.Use.directory(one));

        assertThat(traced.add(5, TracedPages.Use.directory(two))).isFalse();
        assertThat(traced.add(5, new TracedPages.Use(one, 3))).isFalse();
        assertThat(traced.add(5, new TracedPages.Use(one, 3))).as("the same use again").isFalse();

        assertThat(traced.uses(5)).hasSize(3);
        assertThat(traced.size()).isEqualTo(1);
    }

    @Test
    void aUseIsADirectoryOrTheTableBehindOneEntry() {
        assertThat(TracedPages.Use.directory(one).isDirectory()).isTrue();
        assertThat(new TracedPages.Use(one, 0).isDirectory()).isFalse();
        assertThat(new TracedPages.Use(one, 0)).isEqualTo(new TracedPages.Use(one, 0)).isNotEqualTo(new TracedPages.Use(two, 0));
    }

    @Test
    void aUseBuiltFromAnotherFrameMovesThereAndTheOldFrameIsNoLongerTraced() {
        TracedPages.Use table = new TracedPages.Use(one, 2);
        traced.add(5, table);

        assertThat(traced.add(6, table)).isTrue();

        assertThat(traced.isTraced(5)).isFalse();
        assertThat(traced.uses(6)).containsExactly(table);
        assertThat(traced.size()).isEqualTo(1);
    }

    @Test
    void aFrameStaysTracedWhileAnyUseRemains() {
        TracedPages.Use a = new TracedPages.Use(one, 2);
        TracedPages.Use b = new TracedPages.Use(two, 2);
        traced.add(5, a);
        traced.add(5, b);

        traced.remove(a);

        assertThat(traced.isTraced(5)).isTrue();
        traced.remove(b);
        assertThat(traced.isTraced(5)).isFalse();
        traced.remove(b);   // twice: nothing happens
        assertThat(traced.size()).isZero();
    }

    @Test
    void usesIsACopy() {
        traced.add(5, TracedPages.Use.directory(one));
        var uses = traced.uses(5);

        uses.forEach(traced::remove);

        assertThat(uses).hasSize(1);
        assertThat(traced.isTraced(5)).isFalse();
    }

    @Test
    void removingAShadowForgetsAllItsUsesAndNoOther() {
        traced.add(5, TracedPages.Use.directory(one));
        traced.add(6, new TracedPages.Use(one, 1));
        traced.add(7, new TracedPages.Use(one, 2));
        traced.add(7, new TracedPages.Use(two, 2));

        traced.removeShadow(one);

        assertThat(traced.isTraced(5)).isFalse();
        assertThat(traced.isTraced(6)).isFalse();
        assertThat(traced.uses(7)).containsExactly(new TracedPages.Use(two, 2));
        assertThat(traced.size()).isEqualTo(1);
    }

    // --- against a model -----------------------------------------------------------------------------

    /** One step: add (use, frame), or remove (use), or remove the shadow. */
    record Step(int kind, int shadow, int index, int gfn) {
    }

    @Provide
    Arbitrary<Step> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(-1, 2), Arbitraries.integers().between(0, 4)).as(Step::new);
    }

    /** The traced frames are exactly the frames some use was last built from. */
    @Property(tries = 300)
    void tracedFramesAreTheFramesOfTheLiveUses(@ForAll @Size(max = 40) List<@net.jqwik.api.From("steps") Step> steps) {
        MachineFrames f = new MachineFrames(new PhysicalMemory(64 << 10), 0);
        ShadowPageTable[] shadows = {new ShadowPageTable(1, f), new ShadowPageTable(2, f)};
        TracedPages t = new TracedPages();
        Map<TracedPages.Use, Integer> model = new HashMap<>();
        for (Step s : steps) {
            TracedPages.Use use = new TracedPages.Use(shadows[s.shadow()], s.index());
            if (s.kind() < 7) {
                boolean wasTraced = model.containsValue(s.gfn());
                boolean fresh = t.add(s.gfn(), use);
                boolean sameAsBefore = Integer.valueOf(s.gfn()).equals(model.get(use));
                model.put(use, s.gfn());
                assertThat(fresh).as("add returns true only for a newly traced frame")
                        .isEqualTo(!wasTraced && !sameAsBefore);
            } else if (s.kind() < 9) {
                t.remove(use);
                model.remove(use);
            } else {
                t.removeShadow(use.shadow());
                model.keySet().removeIf(u -> u.shadow() == use.shadow());
            }
        }
        for (int gfn = 0; gfn <= 4; gfn++) {
            int g = gfn;
            assertThat(t.isTraced(gfn)).isEqualTo(model.containsValue(gfn));
            assertThat(t.uses(gfn)).containsExactlyInAnyOrderElementsOf(
                    model.entrySet().stream().filter(e -> e.getValue() == g).map(Map.Entry::getKey).toList());
        }
        assertThat(t.size()).isEqualTo((int) model.values().stream().distinct().count());
    }
}
