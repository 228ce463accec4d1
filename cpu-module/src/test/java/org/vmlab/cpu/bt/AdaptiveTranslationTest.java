package org.vmlab.cpu.bt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.isa.Opcode;

/**
 * Adaptive binary translation's bookkeeping: a store becomes a callout after
 * {@link AdaptiveTranslation#THRESHOLD} traced writes, and a copy again after as many writes in a
 * row through its callout that the VMM did not trace.
 */
class AdaptiveTranslationTest {
    private static final int STORE = 0x4_5010;
    private final AdaptiveTranslation adaptive = new AdaptiveTranslation();

    @Test
    void aStoreIsAdaptedAtItsThresholdthTracedWriteAndNotBefore() {
        for (int i = 1; i < AdaptiveTranslation.THRESHOLD; i++) {
            assertThat(adaptive.traced(STORE)).as("traced write %d", i).isFalse();
            assertThat(adaptive.adapts(STORE, Opcode.SW)).isFalse();
        }

        assertThat(adaptive.traced(STORE)).as("the threshold: retranslate").isTrue();
        assertThat(adaptive.adapts(STORE, Opcode.SW)).isTrue();
        assertThat(adaptive.traced(STORE)).as("a unit translated before still traps: no second retranslation").isFalse();
        assertThat(adaptive.adaptedInstructions()).isEqualTo(1);
    }

    @Test
    void tracesAreCountedPerInstruction() {
        for (int i = 1; i < AdaptiveTranslation.THRESHOLD; i++) {
            adaptive.traced(STORE);
            adaptive.traced(STORE + 4);
        }

        assertThat(adaptive.adapts(STORE, Opcode.SW)).isFalse();
        assertThat(adaptive.adapts(STORE + 4, Opcode.SW)).isFalse();
    }

    @Test
    void onlyStoresThatDoNotChangeControlAreAdapted() {
        for (int i = 0; i < AdaptiveTranslation.THRESHOLD; i++) {
            adaptive.traced(STORE);
        }

        assertThat(adaptive.adapts(STORE, Opcode.SB)).isTrue();
        assertThat(adaptive.adapts(STORE, Opcode.PUSH)).isTrue();
        assertThat(adaptive.adapts(STORE, Opcode.CALL)).as("a call is left to trap").isFalse();
        assertThat(adaptive.adapts(STORE, Opcode.LW)).as("the code there changed: a load is copied").isFalse();
    }

    @Test
    void anAdaptedStoreThatStopsWritingTracedMemoryIsCopiedAgain() {
        for (int i = 0; i < AdaptiveTranslation.THRESHOLD; i++) {
            adaptive.traced(STORE);
        }
        for (int i = 1; i < AdaptiveTranslation.THRESHOLD; i++) {
            assertThat(adaptive.calledOut(STORE, false)).isFalse();
        }
        assertThat(adaptive.calledOut(STORE, true)).as("a traced write starts the count again").isFalse();
        for (int i = 1; i < AdaptiveTranslation.THRESHOLD; i++) {
            assertThat(adaptive.calledOut(STORE, false)).isFalse();
        }

        assertThat(adaptive.calledOut(STORE, false)).as("the threshold in a row: retranslate").isTrue();
        assertThat(adaptive.adapts(STORE, Opcode.SW)).isFalse();
        assertThat(adaptive.adaptedInstructions()).isZero();
    }

    @Test
    void aStoreCopiedAgainIsAdaptedAgainWhenItTrapsAsOftenAgain() {
        for (int i = 0; i < AdaptiveTranslation.THRESHOLD; i++) {
            adaptive.traced(STORE);
        }
        for (int i = 0; i < AdaptiveTranslation.THRESHOLD; i++) {
            adaptive.calledOut(STORE, false);
        }
        assertThat(adaptive.adapts(STORE, Opcode.SW)).isFalse();

        for (int i = 1; i < AdaptiveTranslation.THRESHOLD; i++) {
            assertThat(adaptive.traced(STORE)).isFalse();
        }
        assertThat(adaptive.traced(STORE)).isTrue();
    }
}
