package dev.facet.core.name;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.facet.core.error.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositorySlugTest {

    @ParameterizedTest
    @ValueSource(strings = {"facet", "my-repo", "docs.v2_final", "0", "1st-try"})
    void acceptsLowerCaseLettersDigitsDotsDashesAndUnderscores(String slug) {
        assertThat(new RepositorySlug(slug).toString()).isEqualTo(slug);
    }

    @Test
    void readsAnyCaseAsLowerCase() {
        assertThat(RepositorySlug.of("My-Repo")).isEqualTo(new RepositorySlug("my-repo"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"My-Repo", "..", "a..b", "../etc", "a/b", "/", ".git", "-x", "_x", "a b", "a%2fb"})
    void rejectsAnythingButOneSafeLowerCasePathSegment(String slug) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new RepositorySlug(slug))
                .withMessage("Repository slug '" + slug
                        + "' is invalid: it holds only lower-case letters, digits, '.', '-' and '_'.")
                .satisfies(e -> assertThat(e.context()).isEqualTo("slug"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "repo\n", "re\u0000po"})
    void rejectsControlCharacters(String slug) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> RepositorySlug.of(slug))
                .withMessage("A repository slug must not contain control characters.");
    }

    @Test
    void rejectsSlugsLongerThanARepositoryName() {
        assertThatExceptionOfType(InvalidInput.class)
                .isThrownBy(() -> new RepositorySlug("s".repeat(RepositoryName.MAX_LENGTH + 1)))
                .withMessage("A repository slug must be at most 128 characters long; it has 129.");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = " ")
    void rejectsMissingSlugs(String slug) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> RepositorySlug.of(slug))
                .withMessage("A repository slug is required.");
    }
}
