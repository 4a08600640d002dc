package dev.facet.core.name;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.facet.core.error.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"facet", "My Repo", "1st", "v2.0-docs_final", "a b c", "git-tools"})
    void acceptsLettersDigitsSpacesDotsDashesAndUnderscores(String name) {
        assertThat(new RepositoryName(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @CsvSource({
            "facet,           facet",
            "My Repo,         my-repo",
            "Docs.V2_Final,   docs.v2_final",
            "a b c,           a-b-c",
            "Release-1.0,     release-1.0"
    })
    void slugIsTheNameInLowerCaseWithSpacesAsDashes(String name, String slug) {
        assertThat(new RepositoryName(name).slug()).isEqualTo(new RepositorySlug(slug));
    }

    @Test
    void namesThatDifferOnlyInCaseOrSpacesShareASlug() {
        assertThat(new RepositoryName("My Repo").slug()).isEqualTo(new RepositoryName("my-repo").slug());
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a..b", "../etc", "a/b", "/", "a\\b", ".hidden", "-dash", "_under", " leading",
            "trailing ", "what?", "semi;colon"})
    void rejectsNamesThatCouldEscapeOrBreakAPathSegment(String name) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new RepositoryName(name))
                .withMessageStartingWith("Repository name '" + name + "' is invalid: it must start with a letter or digit")
                .satisfies(e -> assertThat(e.context()).isEqualTo("name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"repo.git", "Repo.GIT"})
    void rejectsNamesEndingInDotGit(String name) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new RepositoryName(name))
                .withMessage("Repository name '" + name + "' must not end with '.git'.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "repo\n", "re\u0000po", "repo\r", "\u001b[31mred"})
    void rejectsControlCharacters(String name) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new RepositoryName(name))
                .withMessage("A repository name must not contain control characters.");
    }

    @Test
    void rejectsNamesLongerThanTheMaximum() {
        assertThat(new RepositoryName("r".repeat(RepositoryName.MAX_LENGTH)).value()).hasSize(128);

        assertThatExceptionOfType(InvalidInput.class)
                .isThrownBy(() -> new RepositoryName("r".repeat(RepositoryName.MAX_LENGTH + 1)))
                .withMessage("A repository name must be at most 128 characters long; it has 129.");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\n"})
    void rejectsMissingNames(String name) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new RepositoryName(name))
                .withMessage("A repository name is required.");
    }
}
