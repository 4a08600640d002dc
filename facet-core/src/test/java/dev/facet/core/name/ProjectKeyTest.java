package dev.facet.core.name;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.facet.core.error.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ProjectKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {"A", "PROJ", "MY_PROJECT_2", "X9"})
    void acceptsALetterFollowedByLettersDigitsAndUnderscores(String key) {
        assertThat(new ProjectKey(key).value()).isEqualTo(key);
    }

    @Test
    void acceptsKeysOfTheMaximumLength() {
        String longest = "K".repeat(ProjectKey.MAX_LENGTH);

        assertThat(new ProjectKey(longest).value()).hasSize(128);
    }

    @Test
    void readsAnyCaseAsUpperCase() {
        assertThat(ProjectKey.of("proj_1")).isEqualTo(new ProjectKey("PROJ_1"));
        assertThat(ProjectKey.of("Proj").toString()).isEqualTo("PROJ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"proj", "1PROJ", "_PROJ", "PRO-J", "PRO J", "PRO.J", "..", "A/B", "../ETC"})
    void rejectsKeysThatAreNotALetterFollowedByLettersDigitsAndUnderscores(String key) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new ProjectKey(key))
                .withMessage("Project key '" + key + "' is invalid: it must start with a letter and hold only "
                        + "letters, digits and underscores.")
                .satisfies(e -> assertThat(e.context()).isEqualTo("key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "PROJ\n", "PR\u0000OJ", "\u007fPROJ"})
    void rejectsControlCharacters(String key) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> ProjectKey.of(key))
                .withMessage("A project key must not contain control characters.");
    }

    @Test
    void rejectsKeysLongerThanTheMaximum() {
        String tooLong = "K".repeat(ProjectKey.MAX_LENGTH + 1);

        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new ProjectKey(tooLong))
                .withMessage("A project key must be at most 128 characters long; it has 129.");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\n"})
    void rejectsMissingKeys(String key) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> ProjectKey.of(key))
                .withMessage("A project key is required.")
                .satisfies(e -> assertThat(e.context()).isEqualTo("key"));
    }
}
