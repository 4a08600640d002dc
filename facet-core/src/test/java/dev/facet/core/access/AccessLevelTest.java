package dev.facet.core.access;

import static dev.facet.core.access.AccessLevel.ADMIN;
import static dev.facet.core.access.AccessLevel.NONE;
import static dev.facet.core.access.AccessLevel.READ;
import static dev.facet.core.access.AccessLevel.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessLevelTest {

    @ParameterizedTest
    @CsvSource({
            "NONE,  NONE,  true",
            "NONE,  READ,  false",
            "READ,  NONE,  true",
            "READ,  READ,  true",
            "READ,  WRITE, false",
            "WRITE, READ,  true",
            "WRITE, WRITE, true",
            "WRITE, ADMIN, false",
            "ADMIN, READ,  true",
            "ADMIN, WRITE, true",
            "ADMIN, ADMIN, true"
    })
    void eachLevelAllowsItselfAndTheLevelsBelowIt(AccessLevel held, AccessLevel needed, boolean allowed) {
        assertThat(held.allows(needed)).isEqualTo(allowed);
    }

    @Test
    void levelsRiseFromNoneToAdmin() {
        assertThat(AccessLevel.values()).containsExactly(NONE, READ, WRITE, ADMIN);
    }

    @Test
    void maxIsTheHigherLevelAndMinTheLower() {
        assertThat(AccessLevel.max(READ, WRITE)).isEqualTo(WRITE);
        assertThat(AccessLevel.max(ADMIN, NONE)).isEqualTo(ADMIN);
        assertThat(AccessLevel.max(READ, READ)).isEqualTo(READ);
        assertThat(AccessLevel.min(READ, WRITE)).isEqualTo(READ);
        assertThat(AccessLevel.min(ADMIN, NONE)).isEqualTo(NONE);
        assertThat(AccessLevel.min(WRITE, WRITE)).isEqualTo(WRITE);
    }
}
