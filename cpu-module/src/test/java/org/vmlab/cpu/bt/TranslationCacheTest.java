package org.vmlab.cpu.bt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.cpu.bt.Units.unit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.isa.Opcode;

/**
 * The translation cache: units found by the guest pc they start at, and by the machine frame they
 * were translated from (so that a write to code finds what it may have made stale).
 */
class TranslationCacheTest {
    private final TranslationCache cache = new TranslationCache();

    @Test
    void anEmptyCacheFindsNothing() {
        assertThat(cache.lookup(0x1000)).isNull();
        assertThat(cache.size()).isZero();
        assertThat(cache.hasUnitsIn(1)).isFalse();
        assertThat(cache.unitsIn(1)).isEmpty();
    }

    @Test
    void aUnitIsFoundByItsGuestPcAndByItsMachineFrame() {
        TranslationUnit unit = unit(0x0040_1000, 0x5010, 3, Opcode.JMP);

        cache.insert(unit);

        assertThat(cache.lookup(0x0040_1000)).isSameAs(unit);
        assertThat(cache.lookup(0x5010)).as("not by its machine address").isNull();
        assertThat(cache.unitsIn(5)).containsExactly(unit);
        assertThat(cache.hasUnitsIn(5)).isTrue();
        assertThat(cache.hasUnitsIn(0x401)).as("not by its guest page").isFalse();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void unitsFromTheSameFrameAreAllFound() {
        TranslationUnit a = unit(0x5000, 4);
        TranslationUnit b = unit(0x5100, 4);
        TranslationUnit elsewhere = unit(0x6000, 4);
        cache.insert(a);
        cache.insert(b);
        cache.insert(elsewhere);

        assertThat(cache.unitsIn(5)).containsExactlyInAnyOrder(a, b);
        assertThat(cache.unitsIn(6)).containsExactly(elsewhere);
    }

    @Test
    void insertingAUnitAtAPcThatHasOneReplacesAndInvalidatesTheOld() {
        TranslationUnit old = unit(0x1000, 0x5000, 4, Opcode.JMP);
        TranslationUnit fresh = unit(0x1000, 0x6000, 2, Opcode.JMP);
        cache.insert(old);

        cache.insert(fresh);

        assertThat(cache.lookup(0x1000)).isSameAs(fresh);
        assertThat(old.valid()).isFalse();
        assertThat(cache.hasUnitsIn(5)).as("the old unit's frame has none left").isFalse();
        assertThat(cache.unitsIn(6)).containsExactly(fresh);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.invalidated()).as("a replacement is not an invalidation").isZero();
    }

    @Test
    void invalidatingAUnitDropsItAndKeepsTheOthers() {
        TranslationUnit a = unit(0x5000, 4);
        TranslationUnit b = unit(0x5100, 4);
        cache.insert(a);
        cache.insert(b);

        cache.invalidate(a);

        assertThat(cache.lookup(0x5000)).isNull();
        assertThat(cache.lookup(0x5100)).isSameAs(b);
        assertThat(cache.unitsIn(5)).containsExactly(b);
        assertThat(cache.hasUnitsIn(5)).isTrue();
        assertThat(a.valid()).isFalse();
        assertThat(b.valid()).isTrue();
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.invalidated()).isEqualTo(1);
    }

    @Test
    void invalidatingTheLastUnitOfAFrameLeavesTheFrameWithoutUnits() {
        TranslationUnit a = unit(0x5000, 4);
        cache.insert(a);

        cache.invalidate(a);

        assertThat(cache.hasUnitsIn(5)).isFalse();
        assertThat(cache.unitsIn(5)).isEmpty();
    }

    @Test
    void invalidatingAUnitUnchainsIt() {
        TranslationUnit a = unit(0x5000, 4);
        TranslationUnit b = unit(0x6000, 4);
        cache.insert(a);
        cache.insert(b);
        a.chain(b);

        cache.invalidate(b);

        assertThat(a.link(0x6000)).as("no unit stays chained to a dropped one").isNull();
    }

    @Test
    void invalidatingAReplacedUnitLeavesItsReplacementInPlace() {
        TranslationUnit old = unit(0x1000, 0x5000, 4, Opcode.JMP);
        TranslationUnit fresh = unit(0x1000, 0x5000, 4, Opcode.JMP);
        cache.insert(old);
        cache.insert(fresh);

        cache.invalidate(old);

        assertThat(cache.lookup(0x1000)).isSameAs(fresh);
        assertThat(cache.unitsIn(5)).containsExactly(fresh);
        assertThat(fresh.valid()).isTrue();
    }

    @Test
    void unitsInIsACopyThatMayBeInvalidatedWhileIterating() {
        for (int pc = 0x5000; pc < 0x5100; pc += 0x10) {
            cache.insert(unit(pc, 4));
        }
        List<TranslationUnit> units = cache.unitsIn(5);

        units.forEach(cache::invalidate);

        assertThat(units).hasSize(16);
        assertThat(cache.size()).isZero();
        assertThat(cache.hasUnitsIn(5)).isFalse();
        assertThat(cache.invalidated()).isEqualTo(16);
    }

    /** Inserts at arbitrary pcs, then invalidates some: the cache agrees with a plain map of the live units. */
    @Property
    void theCacheHoldsTheLastUnitInsertedAtEachPcUntilItIsInvalidated(
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 63) Integer> pcs,
            @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 63) Integer> dropped) {
        TranslationCache c = new TranslationCache();
        Map<Integer, TranslationUnit> live = new HashMap<>();
        for (int slot : pcs) {
            int pc = 0x1000 + slot * 0x100;   // four slots a frame
            TranslationUnit u = unit(pc, 2);
            c.insert(u);
            live.put(pc, u);
        }
        for (int slot : dropped) {
            TranslationUnit u = live.remove(0x1000 + slot * 0x100);
            if (u != null) {
                c.invalidate(u);
            }
        }

        assertThat(c.size()).isEqualTo(live.size());
        for (int slot = 0; slot < 64; slot++) {
            int pc = 0x1000 + slot * 0x100;
            assertThat(c.lookup(pc)).isSameAs(live.get(pc));
        }
        for (int frame = 1; frame < 18; frame++) {
            int f = frame;
            List<TranslationUnit> expected = live.values().stream().filter(u -> u.frame() == f).toList();
            assertThat(c.unitsIn(frame)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(c.hasUnitsIn(frame)).isEqualTo(!expected.isEmpty());
        }
    }
}
