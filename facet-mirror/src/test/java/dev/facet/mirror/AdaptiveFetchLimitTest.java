package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class AdaptiveFetchLimitTest {

    @Test
    void fetchesThatStayAsQuickAsTheQuickestRaiseTheLimitToTheCeiling() {
        AdaptiveFetchLimit limit = new AdaptiveFetchLimit(1, 4, 32);

        for (int i = 0; i < 300; i++) {
            limit.fetched(100);
        }

        assertThat(limit.current()).isEqualTo(32);
    }

    @Test
    void fetchesThatSlowDownAsMoreRunAtOnceBringTheLimitDown() {
        // An upstream with two cores: past two fetches at once, each takes longer in proportion. Where fetch
        // times stay flat the same number of fetches takes the limit to the ceiling (the test above).
        AdaptiveFetchLimit limit = new AdaptiveFetchLimit(1, 4, 32);

        for (int i = 0; i < 300; i++) {
            limit.fetched(Math.round(100 * Math.max(1, limit.current() / 2.0)));
        }

        assertThat(limit.current()).isBetween(4, 12);
    }

    @Test
    void aFarUpstreamWhoseFetchesTakeLongButEvenlyGetsManyAtOnce() {
        AdaptiveFetchLimit limit = new AdaptiveFetchLimit(1, 4, 64);

        for (int i = 0; i < 400; i++) {
            limit.fetched(2_000 + (i % 3) * 50);
        }

        assertThat(limit.current()).isGreaterThan(40);
    }

    @Test
    void theLimitStaysWithinItsFloorAndCeiling() {
        AdaptiveFetchLimit limit = new AdaptiveFetchLimit(5, 100, 8);
        assertThat(limit.current()).isEqualTo(8);

        limit.fetched(1);
        for (int i = 0; i < 100; i++) {
            limit.fetched(1_000_000);
        }
        assertThat(limit.current()).isEqualTo(5);

        limit.fetched(-5);
        assertThat(limit.current()).isBetween(5, 8);
    }

    @Test
    void aFloorAboveTheCeilingOrBelowOneIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new AdaptiveFetchLimit(0, 1, 4));
        assertThatIllegalArgumentException().isThrownBy(() -> new AdaptiveFetchLimit(5, 5, 4));
    }
}
