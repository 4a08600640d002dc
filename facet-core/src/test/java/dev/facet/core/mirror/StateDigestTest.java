package dev.facet.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class StateDigestTest {
    private static final String HASH = "a".repeat(64);

    @Test
    void aSumDoesNotDependOnTheOrderOfItsMembers() {
        StateDigest one = StateDigest.ofRepository(1, "PRJ", "one", "one", false, HASH);
        StateDigest two = StateDigest.ofRepository(2, "PRJ", "two", "two", true, null);
        StateDigest three = StateDigest.ofRepository(3, "OTHER", "three", "three", false, HASH);
        assertThat(one.plus(two).plus(three)).isEqualTo(three.plus(one).plus(two));
    }

    @Test
    void everyFieldAMirrorServesChangesTheDigest() {
        StateDigest base = StateDigest.ofRepository(1, "PRJ", "repo", "Repo", false, HASH);
        assertThat(StateDigest.ofRepository(2, "PRJ", "repo", "Repo", false, HASH)).isNotEqualTo(base);
        assertThat(StateDigest.ofRepository(1, "PRK", "repo", "Repo", false, HASH)).isNotEqualTo(base);
        assertThat(StateDigest.ofRepository(1, "PRJ", "repo2", "Repo", false, HASH)).isNotEqualTo(base);
        assertThat(StateDigest.ofRepository(1, "PRJ", "repo", "Repo 2", false, HASH)).isNotEqualTo(base);
        assertThat(StateDigest.ofRepository(1, "PRJ", "repo", "Repo", true, HASH)).isNotEqualTo(base);
        assertThat(StateDigest.ofRepository(1, "PRJ", "repo", "Repo", false, "b".repeat(64))).isNotEqualTo(base);
        assertThat(StateDigest.ofRepository(1, "PRJ", "repo", "Repo", false, null)).isNotEqualTo(base);
    }

    @Test
    void aDatabaseSumPastSixtyFourBitsEqualsTheWrappingSum() {
        StateDigest big = new StateDigest(Long.MAX_VALUE, Long.MIN_VALUE);
        StateDigest wrapped = big.plus(big).plus(big);
        BigDecimal high = BigDecimal.valueOf(Long.MAX_VALUE).multiply(BigDecimal.valueOf(3));
        BigDecimal low = BigDecimal.valueOf(Long.MIN_VALUE).multiply(BigDecimal.valueOf(3));
        assertThat(StateDigest.ofSums(high, low)).isEqualTo(wrapped);
        assertThat(StateDigest.ofSums(null, null)).isEqualTo(StateDigest.ZERO);
    }

    @Test
    void hexIsThirtyTwoLowerCaseDigits() {
        assertThat(new StateDigest(1, -1).hex()).isEqualTo("0000000000000001ffffffffffffffff");
    }
}
