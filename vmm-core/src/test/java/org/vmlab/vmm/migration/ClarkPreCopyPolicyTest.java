package org.vmlab.vmm.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Clark et al.'s rules for ending pre-copy, each on its own. */
class ClarkPreCopyPolicyTest {
    private static final ClarkPreCopyPolicy POLICY = ClarkPreCopyPolicy.DEFAULT;

    @Test
    void atMost64DirtyPagesConverges() {
        assertThat(POLICY.afterRound(round(1, 300, 64, 300))).isEqualTo(PreCopyPolicy.Decision.converged(
                "64 dirty pages, at most 64"));
        assertThat(POLICY.afterRound(round(1, 300, 0, 300)).converged()).isTrue();
        assertThat(POLICY.afterRound(round(1, 300, 65, 300))).isEqualTo(PreCopyPolicy.Decision.anotherRound());
    }

    @Test
    void aDirtySetThatNoLongerShrinksStopsPreCopyUnconverged() {
        PreCopyPolicy.Decision d = POLICY.afterRound(round(2, 128, 128, 429));
        assertThat(d.stopAndCopy()).isTrue();
        assertThat(d.converged()).isFalse();
        assertThat(d.why()).isEqualTo("128 pages dirtied while 128 were sent (the guest dirties pages as fast as the"
                + " link sends them)");
        assertThat(POLICY.afterRound(round(2, 128, 127, 429)).stopAndCopy()).isFalse();
    }

    @Test
    void theThirtiethRoundIsTheLast() {
        assertThat(POLICY.afterRound(round(29, 200, 100, 3000)).stopAndCopy()).isFalse();
        assertThat(POLICY.afterRound(round(30, 200, 100, 3000)).why()).isEqualTo("round limit, 30 rounds");
    }

    @Test
    void moreThanThreeTimesTheMemorySentStops() {
        assertThat(POLICY.afterRound(round(5, 200, 100, 3 * 4096)).stopAndCopy()).isFalse();
        assertThat(POLICY.afterRound(round(5, 200, 100, 3 * 4096 + 1)).why()).startsWith("12289 pages sent, more"
                + " than 3 times");
    }

    @Test
    void aRoundLimitAloneIgnoresTheRateAndStopsAtItsLimit() {
        ClarkPreCopyPolicy limit = ClarkPreCopyPolicy.roundLimit(5);
        assertThat(limit.afterRound(round(4, 100, 200, 400)).stopAndCopy()).isFalse();
        assertThat(limit.afterRound(round(5, 100, 200, 500)).why()).isEqualTo("round limit, 5 rounds");
        assertThat(limit.afterRound(round(3, 100, 10, 300)).converged()).isTrue();
    }

    @Test
    void aPolicyWithoutRoundsIsRefused() {
        assertThatThrownBy(() -> new ClarkPreCopyPolicy(0, 64, 3, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Link(0, "none")).isInstanceOf(IllegalArgumentException.class);
    }

    private static PreCopyPolicy.Round round(int number, int sent, int dirty, long totalSent) {
        return new PreCopyPolicy.Round(number, sent, dirty, sent * 32_768L, 32_768, totalSent, 4096);
    }
}
