package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Register values that are FLAGS or page-table entries are decoded where they differ. */
class StateDifferenceTest {

    @Test
    void flagsInARegisterAreDecodedWhenIfOrTheRingDiffer() {
        assertThat(StateDifference.decoded(0x0200, 0x1200))
                .isEqualTo(" (as FLAGS: IF 1, ring 0 vs IF 1, ring 1)");
        assertThat(StateDifference.decoded(0x0000, 0x0200))
                .isEqualTo(" (as FLAGS: IF 0, ring 0 vs IF 1, ring 0)");
    }

    @Test
    void pageTableEntriesAreDecodedWhenOnlyTheirBitsDiffer() {
        assertThat(StateDifference.decoded(0x0040_5067, 0x0040_5027))
                .isEqualTo(" (as page-table entries: frame 0x00405000 P W U A D vs"
                        + " frame 0x00405000 P W U A -)");
    }

    @Test
    void ordinaryNumbersAreLeftAlone() {
        assertThat(StateDifference.decoded(5, 6)).isEmpty();
        assertThat(StateDifference.decoded(0x1234_5678, 0x1234_5679)).isEmpty();
        assertThat(StateDifference.decoded(0x0040_5000, 0x0040_6000)).isEmpty();
    }
}
