package dev.facet.core.name;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.facet.core.error.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UsernameTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice", "bob.smith", "j_doe", "ops@example.com", "build-bot", "7eleven", "x"})
    void acceptsLettersDigitsAndDotsUnderscoresAtSignsAndDashes(String name) {
        assertThat(Username.of(name).value()).isEqualTo(name);
    }

    @Test
    void acceptsNamesOfTheMaximumLength() {
        assertThat(Username.of("u".repeat(Username.MAX_LENGTH)).value()).hasSize(64);
    }

    @Test
    void keepsNamesInLowerCaseSoThatTheyCompareCaseInsensitively() {
        assertThat(Username.of("Alice.Smith")).isEqualTo(new Username("alice.smith"));
        assertThat(Username.of("ALICE").toString()).isEqualTo("alice");
    }

    @Test
    void constructorRefusesUpperCaseSinceOnlyOfNormalisesIt() {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new Username("Alice"))
                .withMessageStartingWith("User name 'Alice' is invalid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../admin", ".hidden", "a/b", "/", "a\\b", "-dash", "_under", "@host", "al ice",
            "alice:secret", "al%2fice"})
    void rejectsPathsAndPunctuationOutsideTheAllowedSet(String name) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> Username.of(name))
                .withMessage("User name '" + name + "' is invalid: it must start with a letter or digit and hold "
                        + "only letters, digits, '.', '_', '@' and '-'.")
                .satisfies(e -> assertThat(e.context()).isEqualTo("name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "alice\n", "al\u0000ice", "alice\r\nadmin", "\tbob", "bob\u007f", "\u0085x"})
    void rejectsControlCharacters(String name) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> Username.of(name))
                .withMessage("A user name must not contain control characters.")
                .satisfies(e -> assertThat(e.context()).isEqualTo("name"));
    }

    @Test
    void rejectsNamesLongerThanTheMaximumSayingHowLongTheyAre() {
        String tooLong = "u".repeat(Username.MAX_LENGTH + 1);

        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> Username.of(tooLong))
                .withMessage("A user name must be at most 64 characters long; it has 65.");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\n", " \t "})
    void rejectsMissingNames(String name) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> Username.of(name))
                .withMessage("A user name is required.")
                .satisfies(e -> assertThat(e.context()).isEqualTo("name"));
    }
}
